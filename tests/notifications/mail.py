"""Reading the emails the test SMTP server received."""

from email.message import Message


def body_of(message: Message) -> str:
    """The decoded text of a single-part email."""
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)  # a multipart email would give its parts instead
    return payload.decode()
