"""Contacts (list, create, get, update, delete) and their custom field definitions (list, get)."""

from __future__ import annotations

import re
import uuid
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..contacts_records import Contact, ContactBook, FieldValue, book
from ..error_bodies import CalendlyError, invalid_argument, not_found, permission_denied
from ..params import Query, json_object
from ..records import JSONDict, User, iso
from ..subscriptions import user_uuid
from .shared import CalendlyAPI

TEXT_FIELDS = ("name", "timezone", "job_title", "company", "country", "state", "city", "linkedin")
FIELDS = (*TEXT_FIELDS, "emails", "phone_numbers", "custom_fields")
MAX_ITEMS = 10  # emails and phone numbers each (the spec: "Max 10")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Partial matches (the spec says so for these); the other filters match exactly.
PARTIAL = ("name", "job_title", "company", "city")
EXACT = ("timezone", "country", "state")


def _invalid(details: list[JSONDict]) -> CalendlyError:
    return CalendlyError(400, "Invalid Argument", "The supplied parameters are invalid.", details)


def _duplicate(address: str) -> CalendlyError:
    return CalendlyError(
        409,
        "Already Exists",
        "A contact with this email already exists.",
        [{"parameter": "emails", "message": f"{address} belongs to another contact"}],
    )


class Contacts:
    def __init__(self, api: CalendlyAPI) -> None:
        self.api = api

    def _caller(self, request: Request) -> User:
        caller = self.api.caller(request)
        # Contacts come with Calendly's paid plans (the spec's ContactsError names the refusal).
        if self.api.store.organization().plan == "basic":
            raise permission_denied("Please upgrade to a paid Calendly account.")
        return caller

    def _book(self) -> ContactBook:
        return book(self.api.store)

    def _render(self, contact: Contact, *, with_fields: bool = True) -> JSONDict:
        store = self.api.store
        meetings = contact.meetings(store.events(), store.now())
        return contact.to_api(self._book().definitions, meetings, with_fields=with_fields)

    def _mine(self, request: Request) -> Contact:
        caller = self._caller(request)
        contact = self._book().contacts.get(request.path_params["uuid"])
        if contact is None:
            raise not_found()
        if contact.owner != caller.uuid:
            raise permission_denied()
        return contact

    @staticmethod
    def _with_fields(query: Query) -> bool:
        exclude = query.get("exclude")
        if exclude is not None and exclude != "custom_fields":
            raise invalid_argument("exclude", "only custom_fields can be excluded")
        return exclude is None

    # -- contacts -----------------------------------------------------------------------------------

    async def list(self, request: Request) -> Response:
        caller = self._caller(request)
        query = Query(request)
        with_fields = self._with_fields(query)
        order = query.sort(("created_at", "updated_at"), "created_at:asc")
        found = self._book().of(caller.uuid)

        def wanted(name: str) -> list[str]:
            return [part.strip().lower() for part in (query.get(name) or "").split(",") if part.strip()]

        emails, phones = wanted("email"), wanted("phone_number")
        if emails:
            found = [c for c in found if c.addresses() & set(emails)]
        if phones:
            found = [c for c in found if {p.lower() for p in c.phone_numbers} & set(phones)]
        for name in PARTIAL:
            parts = wanted(name)
            if parts:
                found = [c for c in found if any(p in (getattr(c, name) or "").lower() for p in parts)]
        for name in EXACT:
            values = wanted(name)
            if values:
                found = [c for c in found if (getattr(c, name) or "").lower() in values]
        for field, descending in reversed(order):
            found.sort(key=lambda c: (getattr(c, field), c.uuid), reverse=descending)
        return self.api.list_response(
            request, "/contacts", found, lambda c: self._render(c, with_fields=with_fields)
        )

    async def create(self, request: Request) -> Response:
        caller = self._caller(request)
        body = await json_object(request)
        missing = [
            {"parameter": key, "message": "is required"} for key in ("name", "emails") if key not in body
        ]
        if missing:
            raise _invalid(missing)
        changes = self._checked(body)
        contacts = self._book()
        emails = cast(list[tuple[str, bool]], changes["emails"])
        taken = contacts.with_address(caller.uuid, (address for address, _ in emails))
        if taken is not None:
            raise _duplicate(next(a for a, _ in emails if a.lower() in taken.addresses()))
        now = self.api.store.now()
        contact = Contact(
            uuid=str(uuid.uuid4()), owner=caller.uuid, name=None, emails=[], created_at=now, updated_at=now
        )
        _apply(contact, changes)
        contacts.contacts[contact.uuid] = contact
        rendered = self._render(contact)
        self._announce("contact.created", caller, contact, rendered)
        return JSONResponse({"resource": rendered}, status_code=201)

    async def get(self, request: Request) -> Response:
        contact = self._mine(request)
        return JSONResponse(
            {"resource": self._render(contact, with_fields=self._with_fields(Query(request)))}
        )

    async def update(self, request: Request) -> Response:
        contact = self._mine(request)
        caller = self.api.caller(request)
        body = await json_object(request)
        unknown = [
            {"parameter": key, "message": "is not a supported field"} for key in body if key not in FIELDS
        ]
        if unknown:
            raise _invalid(unknown)
        if not body:
            raise invalid_argument("body", "must include at least one supported field")
        changes = self._checked(body)
        if "emails" in changes:
            emails = cast(list[tuple[str, bool]], changes["emails"])
            taken = self._book().with_address(caller.uuid, (a for a, _ in emails), besides=contact.uuid)
            if taken is not None:
                raise _duplicate(next(a for a, _ in emails if a.lower() in taken.addresses()))
        _apply(contact, changes)
        contact.updated_at = self.api.store.now()
        rendered = self._render(contact)
        self._announce("contact.updated", caller, contact, rendered)
        return JSONResponse({"resource": rendered})

    async def delete(self, request: Request) -> Response:
        contact = self._mine(request)
        rendered = self._render(contact)
        del self._book().contacts[contact.uuid]
        self._announce("contact.deleted", self.api.caller(request), contact, rendered)
        return Response(status_code=204)

    # -- custom field definitions -------------------------------------------------------------------

    async def fields(self, request: Request) -> Response:
        self._caller(request)
        definitions = sorted(self._book().definitions.values(), key=lambda d: (d.created_at, d.uuid))
        return JSONResponse({"collection": [d.to_api() for d in definitions]})

    async def field(self, request: Request) -> Response:
        self._caller(request)
        definition = self._book().definitions.get(request.path_params["uuid"])
        if definition is None:
            raise not_found()
        return JSONResponse({"resource": definition.to_api()})

    # -- the body -----------------------------------------------------------------------------------

    def _checked(self, body: dict[str, Any]) -> dict[str, object]:
        """The fields of a create or update body, as stored; Calendly's 400 with every problem found."""
        problems: list[JSONDict] = []
        changes: dict[str, object] = {}

        def wrong(parameter: str, message: str) -> None:
            problems.append({"parameter": parameter, "message": message})

        for key in TEXT_FIELDS:
            if key not in body:
                continue
            value = body[key]
            if not isinstance(value, str) or (key == "name" and not value.strip()):
                wrong(key, "must be a non-empty string" if key == "name" else "must be a string")
            elif key == "timezone" and not _is_zone(value):
                wrong(key, "must be a valid IANA time zone")
            elif key == "country" and not re.fullmatch(r"[A-Z]{2}", value):
                wrong(key, "must be a two-letter country code (ISO 3166-1 alpha-2)")
            elif key == "linkedin" and not re.fullmatch(r"https?://[^\s/?#]+\S*", value):
                wrong(key, "must be a URL")
            else:
                changes[key] = value
        if "emails" in body:
            emails = _emails(body["emails"], wrong)
            if emails is not None:
                changes["emails"] = emails
        if "phone_numbers" in body:
            phones = _phones(body["phone_numbers"], wrong)
            if phones is not None:
                changes["phone_numbers"] = phones
        if "custom_fields" in body:
            values = self._values(body["custom_fields"], wrong)
            if values is not None:
                changes["custom_fields"] = values
        if problems:
            raise _invalid(problems)
        return changes

    def _values(self, raw: object, wrong: Any) -> dict[str, FieldValue] | None:
        if not isinstance(raw, list):
            wrong("custom_fields", "must be an array")
            return None
        definitions = self._book().definitions
        values: dict[str, FieldValue] = {}
        for index, item in enumerate(cast(list[object], raw)):
            where = f"custom_fields[{index}]"
            if not isinstance(item, dict) or "uuid" not in item or "value" not in item:
                wrong(where, "must be an object with uuid and value")
                continue
            entry = cast(dict[str, Any], item)
            definition = definitions.get(entry["uuid"]) if isinstance(entry["uuid"], str) else None
            if definition is None:
                wrong(f"{where}.uuid", "is not a custom field of this organization")
                continue
            problem = definition.problem(entry["value"])
            if problem is not None:
                wrong(
                    f"{where}.value", f"{problem} for the {definition.field_type} field {definition.label!r}"
                )
                continue
            values[definition.uuid] = cast(FieldValue, entry["value"])
        return values

    def _announce(self, name: str, caller: User, contact: Contact, rendered: JSONDict) -> None:
        """contact.* deliveries to the organization's subscriptions, the owner's own and those of the
        owner's groups, in the spec's payload: the owner's `user_uuid` and the contact with how it was
        made (a deleted one as its URI and when)."""
        if name == "contact.deleted":
            shown = {"uri": rendered["uri"], "deleted_at": iso(self.api.store.now())}
        else:
            shown = {**rendered, "creation_source": contact.creation_source}
        payload = {"user_uuid": user_uuid(caller), "contact": shown}
        self.api.deliver(name, {caller.uuid}, lambda: [payload])


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _emails(raw: object, wrong: Any) -> list[tuple[str, bool]] | None:
    if not isinstance(raw, list) or not 1 <= len(cast(list[object], raw)) <= MAX_ITEMS:
        wrong("emails", f"must be an array of 1 to {MAX_ITEMS} emails")
        return None
    emails: list[tuple[str, bool]] = []
    for index, item in enumerate(cast(list[object], raw)):
        entry = cast(dict[str, Any], item) if isinstance(item, dict) else {}
        address, primary = entry.get("email"), entry.get("is_primary")
        if not isinstance(address, str) or not _EMAIL.fullmatch(address):
            wrong(f"emails[{index}].email", "must be a valid email address")
        elif not isinstance(primary, bool):
            wrong(f"emails[{index}].is_primary", "is required (true or false)")
        else:
            emails.append((address, primary))
    if len(emails) == len(cast(list[object], raw)) and sum(primary for _, primary in emails) != 1:
        wrong("emails", "exactly one email must have is_primary true")
        return None
    if len({a.lower() for a, _ in emails}) != len(emails):
        wrong("emails", "must not list the same address twice")
        return None
    return emails


def _phones(raw: object, wrong: Any) -> list[str] | None:
    if not isinstance(raw, list) or len(cast(list[object], raw)) > MAX_ITEMS:
        wrong("phone_numbers", f"must be an array of at most {MAX_ITEMS} phone numbers")
        return None
    phones: list[str] = []
    for index, item in enumerate(cast(list[object], raw)):
        number = cast(dict[str, Any], item).get("phone_number") if isinstance(item, dict) else None
        if not isinstance(number, str) or not number.strip():
            wrong(f"phone_numbers[{index}].phone_number", "must be a non-empty string")
        else:
            phones.append(number)
    return phones


def _apply(contact: Contact, changes: dict[str, object]) -> None:
    for key, value in changes.items():
        if key == "custom_fields":
            for ident, field_value in cast(dict[str, FieldValue], value).items():
                if field_value is None:
                    contact.values.pop(ident, None)
                else:
                    contact.values[ident] = field_value
        else:
            setattr(contact, key, value)


def routes(api: CalendlyAPI) -> list[Route]:
    contacts = Contacts(api)
    # The definitions first: /contacts/{uuid} would take "custom_field_definitions" for an id.
    return [
        Route("/contacts/custom_field_definitions", contacts.fields, methods=["GET"]),
        Route("/contacts/custom_field_definitions/{uuid}", contacts.field, methods=["GET"]),
        Route("/contacts", contacts.list, methods=["GET"]),
        Route("/contacts", contacts.create, methods=["POST"]),
        Route("/contacts/{uuid}", contacts.get, methods=["GET"]),
        Route("/contacts/{uuid}", contacts.update, methods=["PATCH"]),
        Route("/contacts/{uuid}", contacts.delete, methods=["DELETE"]),
    ]
