from .models import DeletionRequest


def deletion_request_open(*, person) -> DeletionRequest | None:
    """The person's open request to delete the account, if any."""
    return (
        DeletionRequest.objects.filter(person=person, status=DeletionRequest.Status.OPEN)
        .only("id", "created_at")
        .first()
    )
