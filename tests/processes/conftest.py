from .helpers import static_dir  # noqa: F401  (fixture)
