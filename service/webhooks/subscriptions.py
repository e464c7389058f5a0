"""Creating a webhook subscription: check where it points, then store it with a sealed secret."""

from sqlmodel import Session

from service.store import webhooks
from service.store.tables import EventType, WebhookSubscription
from service.webhooks.addresses import AddressPolicy
from service.webhooks.sealing import SecretBox, new_secret


def create_subscription(
    session: Session,
    *,
    url: str,
    events: list[EventType],
    description: str | None,
    api_key_id: str,
    box: SecretBox,
    addresses: AddressPolicy,
) -> tuple[WebhookSubscription, str]:
    """Store a subscription to a URL deliveries may reach; return it with its secret, which
    is shown this once (the database keeps it sealed)."""
    addresses.check_url(url)
    secret = new_secret()
    row = webhooks.add_subscription(
        session=session,
        url=url,
        events=sorted({event.value for event in events}),
        sealed_secret=box.seal(secret),
        description=description,
        api_key_id=api_key_id,
    )
    return row, secret
