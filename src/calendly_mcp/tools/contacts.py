"""Contacts: the people a user meets (names, e-mails, company, custom fields), and the custom fields."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Annotated, Any

from mcp.server.mcpserver.resolve import Resolve
from mcp.types import ToolAnnotations
from pydantic import AfterValidator, Field

from calendly_mcp.client import ids
from calendly_mcp.client.client import CalendlyClient
from calendly_mcp.client.errors import InvalidInputError
from calendly_mcp.schemas.contacts import (
    Contact,
    ContactId,
    ContactRow,
    ContactSort,
    CustomFieldDefinition,
    FieldId,
    FieldRow,
    FieldSetting,
    FieldValue,
)
from calendly_mcp.schemas.inputs import Count, Email, PageToken, Timezone
from calendly_mcp.schemas.outputs import Deleted, Items, Page
from calendly_mcp.schemas.resources import Collection, Resource
from calendly_mcp.tools._base import CREATE, DESTROY, READ, Ctx, Toolset, client, page, parse
from calendly_mcp.tools._confirm import Asked, Confirmed, ask, go_ahead

TOOLS = Toolset("contacts", default=False)

FIELDS = "contacts/custom_field_definitions"
# PATCH changes only the fields sent: the same call twice leaves the same contact, and nothing not named
# is lost (emails and phone_numbers, when given, replace the lists: the argument descriptions say so).
UPDATE = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=True
)


def _one_line(value: str) -> str:
    # Shown in Calendly's UI and e-mails: no control characters or line breaks, something visible.
    if any(unicodedata.category(c) == "Cc" or c in "\u2028\u2029" for c in value):
        raise ValueError(f"{value[:60]!r} contains a control character: give one line of plain text")
    if not value.strip():
        raise ValueError("is blank: give some visible text")
    return value


def _url(value: str) -> str:
    if not re.fullmatch(r"https?://[^\s/?#]+[^\s]*", value):
        raise ValueError(f"{value[:80]!r} is not an http(s) URL")
    return value


# The spec sets no lengths; names are held to the project's limit for a person's name (schemas/inputs.py).
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_one_line)]
NewName = Annotated[
    str | None, Field(min_length=1, max_length=200), AfterValidator(lambda v: v and _one_line(v))
]
Text = Annotated[str | None, AfterValidator(lambda v: v if v is None else _one_line(v))]
Country = Annotated[str | None, Field(pattern=r"^[A-Z]{2}$")]
Url = Annotated[
    str | None, Field(json_schema_extra={"format": "uri"}), AfterValidator(lambda v: v and _url(v))
]
Phones = Annotated[list[Annotated[str, AfterValidator(_one_line)]] | None, Field(max_length=10)]
Emails = Annotated[list[Email], Field(min_length=1, max_length=10)]


@TOOLS.tool("List contacts", READ)
async def list_contacts(
    ctx: Ctx,
    email: Annotated[Email | None, Field(description="Exact e-mail")] = None,
    name: Annotated[Text, Field(description="Part of name")] = None,
    company: Annotated[Text, Field(description="Part of company")] = None,
    sort: ContactSort = "created_at:desc",
    count: Count = 20,
    page_token: PageToken = None,
) -> Page[ContactRow]:
    """Your contacts; name and company match in part."""
    params: dict[str, str | int | bool | None] = {
        "email": email, "name": name, "company": company, "sort": sort, "count": count,
        "page_token": page_token,
        "exclude": "custom_fields",  # rows do not show them: get_contact does
    }  # fmt: skip
    found = page(Contact, await client(ctx).get("/contacts", params))
    return Page(
        collection=[ContactRow.of(c) for c in found.collection], next_page_token=found.next_page_token
    )


@TOOLS.tool("Get contact", READ)
async def get_contact(ctx: Ctx, contact: ContactId) -> Contact:
    """One contact, whole, with custom field values."""
    return parse(Resource[Contact], await client(ctx).get(ids.path("contacts", contact))).resource


@TOOLS.tool("Create contact", CREATE)
async def create_contact(
    ctx: Ctx,
    name: Annotated[Name, Field(description="Full name")],
    emails: Annotated[Emails, Field(description="First is primary")],
    phone_numbers: Annotated[Phones, Field(description="Phones")] = None,
    company: Annotated[Text, Field(description="Company")] = None,
    job_title: Annotated[Text, Field(description="Job title")] = None,
    timezone: Annotated[Timezone | None, Field(description="IANA zone")] = None,
    country: Annotated[Country, Field(description="ISO 3166 code")] = None,
    city: Annotated[Text, Field(description="City")] = None,
    linkedin: Annotated[Url, Field(description="Profile URL")] = None,
    custom_fields: Annotated[list[FieldSetting] | None, Field(description="Custom values")] = None,
) -> Contact:
    """Add a contact: name, e-mails, details."""
    api = client(ctx)
    body = await _body(api, locals())
    answer = await api.post(
        "/contacts",
        body,
        check=f"Call list_contacts with email={emails[0]}: a contact listed means it was created.",
    )
    return parse(Resource[Contact], answer).resource


@TOOLS.tool("Update contact", UPDATE)
async def update_contact(
    ctx: Ctx,
    contact: ContactId,
    name: Annotated[NewName, Field(description="Full name")] = None,
    emails: Annotated[Emails | None, Field(description="Replace all; first is primary")] = None,
    phone_numbers: Annotated[Phones, Field(description="Replace all")] = None,
    company: Annotated[Text, Field(description="Company")] = None,
    job_title: Annotated[Text, Field(description="Job title")] = None,
    timezone: Annotated[Timezone | None, Field(description="IANA zone")] = None,
    country: Annotated[Country, Field(description="ISO 3166 code")] = None,
    city: Annotated[Text, Field(description="City")] = None,
    linkedin: Annotated[Url, Field(description="Profile URL")] = None,
    custom_fields: Annotated[list[FieldSetting] | None, Field(description="Custom values")] = None,
) -> Contact:
    """Change the given fields of a contact."""
    contact_id = ids.bare("contacts", contact)
    api = client(ctx)
    body = await _body(api, locals())
    if not body:
        raise InvalidInputError(
            "nothing to change: give at least one of name, emails, phone_numbers, company, job_title, "
            "timezone, country, city, linkedin, custom_fields"
        )
    answer = await api.patch(
        f"/contacts/{contact_id}",
        body,
        check=f"Call get_contact with contact={contact_id}: it shows whether the change was made.",
    )
    return parse(Resource[Contact], answer).resource


async def _ask_delete(ctx: Ctx, contact: str) -> Asked:
    return await ask(
        ctx, lambda: f"Delete the contact {ids.uri('contacts', contact)}? This cannot be undone."
    )


@TOOLS.tool("Delete contact", DESTROY)
async def delete_contact(
    ctx: Ctx, confirmed: Annotated[Confirmed, Resolve(_ask_delete)], contact: ContactId
) -> Deleted:
    """Delete a contact. Cannot be undone."""
    contact_id = ids.bare("contacts", contact)
    go_ahead(confirmed, "delete the contact")
    await client(ctx).delete(
        f"/contacts/{contact_id}",
        check=f"Call get_contact with contact={contact_id}: a 404 means it is gone.",
    )
    return Deleted(uri=ids.uri("contacts", contact_id))


@TOOLS.tool("List contact custom fields", READ)
async def list_contact_custom_fields(ctx: Ctx) -> Items[FieldRow]:
    """Contact custom fields and their choices."""
    found = parse(Collection[CustomFieldDefinition], await client(ctx).get(f"/{FIELDS}"))
    return Items(collection=[FieldRow.of(d) for d in found.collection])


@TOOLS.tool("Get contact custom field", READ)
async def get_contact_custom_field(ctx: Ctx, field: FieldId) -> CustomFieldDefinition:
    """One contact custom field, whole."""
    return parse(Resource[CustomFieldDefinition], await client(ctx).get(ids.path(FIELDS, field))).resource


# --- the request body --------------------------------------------------------------------------------

_SCALARS = ("name", "company", "job_title", "timezone", "country", "city", "linkedin")


async def _body(api: CalendlyClient, args: dict[str, Any]) -> dict[str, Any]:
    """Calendly's body from a create or update call's arguments (the tool's locals(): its parameters are
    named as Calendly's fields, and nothing else is read from it): the fields given, checked."""
    body: dict[str, Any] = {key: args[key] for key in _SCALARS if args.get(key) is not None}
    emails: list[str] | None = args.get("emails")
    if emails is not None:
        seen = [e.lower() for e in emails]
        if len(set(seen)) != len(seen):
            raise InvalidInputError("emails lists the same address twice; give each address once")
        body["emails"] = [{"email": e, "is_primary": i == 0} for i, e in enumerate(emails)]
    phones: list[str] | None = args.get("phone_numbers")
    if phones is not None:
        body["phone_numbers"] = [{"phone_number": p} for p in phones]
    settings: list[FieldSetting] | None = args.get("custom_fields")
    if settings:
        body["custom_fields"] = await _custom_fields(api, settings)
    return body


async def _custom_fields(api: CalendlyClient, settings: list[FieldSetting]) -> list[dict[str, Any]]:
    """Each value checked against its field's definition (read first), as Calendly would check it."""
    chosen = [_field_id(index, s.field) for index, s in enumerate(settings)]
    if len(set(chosen)) != len(chosen):
        raise InvalidInputError("custom_fields names the same field twice; give each field once")
    listed = parse(Collection[CustomFieldDefinition], await api.get(f"/{FIELDS}")).collection
    definitions = {d.uri.rsplit("/", 1)[-1]: d for d in listed}
    items: list[dict[str, Any]] = []
    for index, (ident, setting) in enumerate(zip(chosen, settings, strict=True)):
        definition = definitions.get(ident)
        if definition is None:
            raise InvalidInputError(
                f"custom_fields[{index}].field: no custom field {ident!r} exists",
                hint="list_contact_custom_fields shows the fields and their ids.",
            )
        value = _fitting(f"custom_fields[{index}].value", definition, setting.value)
        items.append({"uuid": ident, "value": value})
    return items


def _field_id(index: int, ref: str) -> str:
    try:
        return ids.bare(FIELDS, ref)
    except InvalidInputError as exc:
        raise InvalidInputError(f"custom_fields[{index}].field: {exc.message}", hint=exc.hint) from None


def _fitting(where: str, field: CustomFieldDefinition, value: FieldValue) -> FieldValue:
    """The value to send for this field, or an error saying what the field takes."""
    if value is None:
        return None  # clears the field, whatever its type
    kind = field.field_type
    wants: str | None = None
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and float(value).is_integer():  # pyright: ignore[reportArgumentType]
        value = int(value)  # pyright: ignore[reportArgumentType]
    if kind in ("text", "invitee_question"):
        wants = None if isinstance(value, str) else "text"
    elif kind == "number":
        wants = None if number else "a number"
    elif kind == "currency":
        whole = number and isinstance(value, int)
        wants = None if whole else f"a whole amount in minor units of {field.currency or 'its currency'}"
    elif kind == "boolean":
        wants = None if isinstance(value, bool) else "true or false"
    elif kind == "tags":
        wants = None if isinstance(value, list) else "a list of tags"
    elif kind == "date":
        wants = None if isinstance(value, str) and _is_date(value) else "a date as YYYY-MM-DD"
    elif kind == "single_select":
        return _option(where, field, value)
    if wants is not None:
        raise InvalidInputError(
            f"{where}: {_shown(value)} does not fit the {kind} field {field.label!r}; it takes {wants}"
        )
    return value


def _option(where: str, field: CustomFieldDefinition, value: FieldValue) -> str:
    active = [o for o in field.options or [] if o.is_active is not False]
    if isinstance(value, str):
        for option in active:
            if value == option.uuid or value.casefold() == option.label.casefold():
                return option.uuid
    choices = ", ".join(f"{o.label} ({o.uuid})" for o in active) or "none"
    raise InvalidInputError(
        f"{where}: {_shown(value)} is not a choice of the field {field.label!r}; the choices are: {choices}"
    )


def _is_date(value: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _shown(value: FieldValue) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
