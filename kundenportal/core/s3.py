"""S3-compatible object storage (django-storages) whose files stream when read.

django-storages' ``S3File`` downloads the whole object into a temporary file (by default in
memory) before the first byte can be read. A download of a 50 MB course document would hold
50 MB per request. Opened for reading ("rb"), the file here reads the object's HTTP body
chunk by chunk instead, so a ``FileResponse`` over it passes the bytes on as they come, and
the ZIP export copies certificates into the archive the same way.
"""

from storages.backends.s3 import S3File, _filter_download_params
from storages.backends.s3 import S3Storage as _S3Storage


class StreamingS3File(S3File):
    def _get_file(self):
        if self._file is None and self._mode == "rb" and not self._storage.gzip:
            params = _filter_download_params(self._storage.get_object_parameters(self.name))
            self._file = self.obj.get(**params)["Body"]
        return super()._get_file()

    file = property(_get_file, S3File._set_file)

    def open(self, mode=None):
        if self._file is not None and self._mode == "rb" and not self._storage.gzip:
            # A stream cannot seek back: reading again means asking for the object again.
            self._file.close()
            self._file = None
        return super().open(mode)


class S3Storage(_S3Storage):
    def _open(self, name, mode="rb"):
        file = super()._open(name, mode)
        file.__class__ = StreamingS3File
        return file
