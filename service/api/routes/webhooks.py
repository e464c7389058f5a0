"""Webhooks over HTTP for admins: subscribe (secret shown once), list, delete, and see or retry
what was delivered."""

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from service.api.deps import Authorized, ServicesDep, SessionDep, SettingsDep, authorize
from service.api.errors import BAD_JSON_BODY, ERROR_RESPONSES, Conflict, ErrorBody, NotFound
from service.api.schemas.webhooks import (
    Delivery,
    DeliveryFilter,
    DeliveryPage,
    Webhook,
    WebhookCreate,
    WebhookCreated,
    delivery_out,
    webhook_out,
)
from service.store import webhooks
from service.store.tables import WebhookSubscription, utcnow
from service.webhooks.subscriptions import create_subscription

log = logging.getLogger("service.webhooks")

router = APIRouter(
    prefix="/v1/webhooks",
    tags=["webhooks"],
    dependencies=[Depends(authorize)],
    responses=ERROR_RESPONSES,
)
NO_WEBHOOK = {404: {"model": ErrorBody, "description": "no subscription with this id"}}


@router.post(
    "",
    status_code=201,
    operation_id="create_webhook",
    responses={
        **BAD_JSON_BODY,
        503: {"model": ErrorBody, "description": "SCREENING_WEBHOOK_SECRET_KEY is not set"},
    },
)
def create_webhook(
    body: WebhookCreate, session: SessionDep, services: ServicesDep, caller: Authorized
) -> WebhookCreated:
    """Subscribe a URL to event types; the signing secret is in this answer only."""
    deliverer = services.deliverer
    row, secret = create_subscription(
        session,
        url=body.url,
        events=body.events,
        description=body.description,
        api_key_id=caller.key.id,
        box=deliverer.box,
        addresses=deliverer.addresses,
    )
    log.info("webhook.created", extra={"webhook_id": row.id, "by_key_id": caller.key.id})
    return WebhookCreated(**webhook_out(row).model_dump(), secret=secret)


@router.get("", operation_id="list_webhooks")
def list_webhooks(session: SessionDep) -> list[Webhook]:
    """Every subscription not deleted, oldest first; never a secret."""
    return [webhook_out(row) for row in webhooks.list_subscriptions(session=session)]


@router.get("/{webhook_id}", operation_id="get_webhook", responses=NO_WEBHOOK)
def get_webhook(webhook_id: str, session: SessionDep) -> Webhook:
    """One subscription, deleted or not."""
    return webhook_out(_subscription(session, webhook_id))


@router.delete("/{webhook_id}", operation_id="delete_webhook", responses=NO_WEBHOOK)
def delete_webhook(webhook_id: str, session: SessionDep, caller: Authorized) -> Webhook:
    """Stop a subscription: nothing more is sent to it, pending deliveries are cancelled, and
    its delivery history stays readable."""
    row = webhooks.delete_subscription(session=session, subscription_id=webhook_id)
    if row is None:
        raise NotFound(f"no webhook with id {webhook_id}")
    log.info("webhook.deleted", extra={"webhook_id": row.id, "by_key_id": caller.key.id})
    return webhook_out(row)


@router.get(
    "/{webhook_id}/deliveries", operation_id="list_webhook_deliveries", responses=NO_WEBHOOK
)
def list_deliveries(
    webhook_id: str,
    query: Annotated[DeliveryFilter, Query()],
    session: SessionDep,
    settings: SettingsDep,
) -> DeliveryPage:
    """A subscription's deliveries, newest first, each with every attempt and status code."""
    _subscription(session, webhook_id)
    limit = min(query.limit, settings.max_page_size)
    rows, total = webhooks.list_deliveries(
        session=session,
        subscription_id=webhook_id,
        status=query.status,
        limit=limit,
        offset=query.offset,
    )
    attempts = webhooks.attempts_of(session=session, delivery_ids=[row.id for row, _ in rows])
    window = settings.webhook_retry_window_seconds
    items = [delivery_out(row, kind, attempts[row.id], window) for row, kind in rows]
    return DeliveryPage(items=items, total=total, limit=limit, offset=query.offset)


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/retry",
    status_code=202,
    operation_id="retry_webhook_delivery",
    responses={
        404: {"model": ErrorBody, "description": "no such delivery for this subscription"},
        409: {"model": ErrorBody, "description": "the subscription was deleted"},
    },
)
def retry_delivery(
    webhook_id: str,
    delivery_id: str,
    session: SessionDep,
    services: ServicesDep,
    settings: SettingsDep,
) -> Delivery:
    """Send one delivery again now, whatever its status, with a fresh retry window."""
    subscription = _subscription(session, webhook_id)
    if subscription.deleted_at is not None:
        raise Conflict(f"webhook {webhook_id} was deleted; nothing is sent to it")
    found = webhooks.get_delivery(
        session=session, subscription_id=webhook_id, delivery_id=delivery_id
    )
    if found is None:
        raise NotFound(f"no delivery with id {delivery_id} for webhook {webhook_id}")
    row, kind = found
    webhooks.requeue_delivery(session=session, delivery=row, now=utcnow())
    services.jobs.wake()
    attempts = webhooks.attempts_of(session=session, delivery_ids=[row.id])[row.id]
    return delivery_out(row, kind, attempts, settings.webhook_retry_window_seconds)


def _subscription(session: SessionDep, webhook_id: str) -> WebhookSubscription:
    row = webhooks.get_subscription(session=session, subscription_id=webhook_id)
    if row is None:
        raise NotFound(f"no webhook with id {webhook_id}")
    return row
