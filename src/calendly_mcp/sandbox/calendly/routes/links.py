"""Single-use links: POST /scheduling_links, POST /shares (a link with overrides), POST /one_off_event_types;
and the pages their booking URLs open on the sandbox's own origin, where a link books once."""

from __future__ import annotations

import html
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from ...core import Sandbox
from ..booking import Booking, book
from ..error_bodies import CalendlyError, invalid_argument, not_found, permission_denied
from ..links_records import (
    MAX_CO_HOSTS,
    MAX_DURATION,
    MAX_DURATION_OPTIONS,
    MAX_NAME,
    MAX_RANGE_DAYS,
    PERIOD_TYPES,
    DatedEventType,
    SchedulingLink,
    a_date,
    availability_rule,
    dated,
    invalid,
    is_zone,
    location_configurations,
    new_code,
    period_days,
    schedule_of,
    slugify,
    text,
    whole,
)
from ..params import json_object, parse_time
from ..records import EventType, JSONDict, User, id_from_uri, iso
from ..slots import AVAILABLE_TIMES_MAX_DAYS, Calendar, offered_slots
from .shared import NOT_IN_ORG, CalendlyAPI

EMAIL_AT = "@"
ADHOC_KINDS = (
    "custom", "google_conference", "gotomeeting_conference", "physical", "inbound_call", "ask_invitee",
    "microsoft_teams_conference", "outbound_call", "webex_conference", "zoom_conference",
)  # fmt: skip
USED = "This single-use link has already been used: book through a new link."


def origin(request: Request) -> str:
    """Where the sandbox answers, for the booking pages (Calendly's are on calendly.com)."""
    return f"{request.url.scheme}://{request.url.netloc}"


class Links:
    def __init__(self, api: CalendlyAPI) -> None:
        self.api = api

    def _own_event_type(self, caller: User, raw: object, parameter: str) -> EventType:
        ident = id_from_uri(raw, "event_types") if isinstance(raw, str) else None
        if ident is None:
            raise invalid_argument(parameter, "must be an event type URI")
        event_type = self.api.store.event_type(ident)
        if event_type is None:
            raise not_found()
        if event_type.owner != caller.uuid:
            # A link opens the owner's own booking page: only they can make one.
            raise permission_denied()
        if not event_type.active:
            raise invalid_argument(parameter, "Event type is not active")
        return event_type

    def _link(self, request: Request, event_type: EventType, override: JSONDict | None) -> SchedulingLink:
        code = new_code()
        link = SchedulingLink(
            code=code,
            event_type=event_type.uuid,
            booking_url=f"{origin(request)}/d/{code}/{slugify(event_type.name)}",
            created_at=self.api.store.now(),
            override=override,
            made_by="scheduling_link" if override is None else "share",
        )
        self.api.store.add_link(link)
        return link

    async def create_link(self, request: Request) -> Response:
        caller = self.api.caller(request)
        body = await json_object(request)
        for key in ("max_event_count", "owner", "owner_type"):
            if key not in body:
                raise invalid_argument(key, "is required")
        count: object = body["max_event_count"]
        if isinstance(count, bool) or count not in (1, "1"):
            raise invalid_argument("max_event_count", "must be 1")
        if body["owner_type"] != "EventType":
            raise invalid_argument("owner_type", "must be EventType")
        event_type = self._own_event_type(caller, body["owner"], "owner")
        link = self._link(request, event_type, None)
        return JSONResponse({"resource": link.to_api()}, status_code=201)

    async def create_share(self, request: Request) -> Response:
        caller = self.api.caller(request)
        body = await json_object(request)
        if "event_type" not in body:
            raise invalid_argument("event_type", "is required")
        event_type = self._own_event_type(caller, body["event_type"], "event_type")
        if event_type.kind != "solo":
            raise invalid_argument("event_type", "This feature is only available for one-on-one event types.")
        override = self._override(body, event_type, caller)
        link = self._link(request, event_type, override)
        share = {"scheduling_links": [link.to_api()], "share_override": override}
        return JSONResponse({"resource": share}, status_code=201)

    def _override(self, body: JSONDict, event_type: EventType, owner: User) -> JSONDict:
        """The share's override as Calendly answers it: what the body gives, the event type's the rest."""
        name = text(body, "name", MAX_NAME) or event_type.name[:MAX_NAME]
        options: list[int] | None = event_type.duration_options
        if "duration_options" in body:
            raw = body["duration_options"]
            if not isinstance(raw, list) or not raw:
                raise invalid("duration_options", "must be a list of 1 to 4 durations")
            items: list[object] = list(raw)  # pyright: ignore[reportUnknownArgumentType]
            options = [whole(v, "duration_options", 1, MAX_DURATION) for v in items]
            if len(options) > MAX_DURATION_OPTIONS or len(set(options)) < len(options):
                raise invalid(
                    "duration_options", f"A maximum of {MAX_DURATION_OPTIONS} unique options is allowed."
                )
        duration = event_type.duration
        if "duration" in body:
            duration = whole(body["duration"], "duration", 1, MAX_DURATION)
            if duration not in (options or [event_type.duration]):
                raise invalid("duration", "Must be one of the provided duration options.")
        period = body.get("period_type", "unlimited")
        if period not in PERIOD_TYPES:
            raise invalid("period_type", f"must be one of: {', '.join(PERIOD_TYPES)}")
        start_date = end_date = None
        max_days: int | None = None
        if period == "fixed":
            for key in ("start_date", "end_date"):
                if key not in body:
                    raise invalid(key, "is required when period_type is 'fixed'")
            start_date, end_date = (
                a_date(body["start_date"], "start_date"),
                a_date(body["end_date"], "end_date"),
            )
            if end_date < start_date:
                raise invalid("end_date", "must be on or after start_date")
        elif period in ("moving", "available_moving"):
            if "max_booking_time" not in body:
                raise invalid(
                    "max_booking_time", "is required when period_type is 'moving' or 'available_moving'"
                )
            max_days = whole(body["max_booking_time"], "max_booking_time", 1, 3650)
        hide = body.get("hide_location", False)
        if not isinstance(hide, bool):
            raise invalid("hide_location", "must be true or false")
        if "location_configurations" in body:
            locations = location_configurations(body["location_configurations"])
        else:
            locations = [{**loc, "position": n} for n, loc in enumerate(event_type.locations)]
        if "availability_rule" in body:
            rule = availability_rule(body["availability_rule"])
        else:
            schedule = self.api.store.calendar(owner.uuid).schedule
            rule: JSONDict = (
                {"rules": schedule.to_api()["rules"], "timezone": schedule.timezone}
                if schedule is not None
                else {"rules": [], "timezone": owner.timezone}
            )
        return {
            "name": name,
            "duration": duration,
            "duration_options": None if options is None else list(options),
            "period_type": period,
            "start_date": None if start_date is None else start_date.isoformat(),
            "end_date": None if end_date is None else end_date.isoformat(),
            "max_booking_time": max_days,
            "hide_location": hide,
            "location_configurations": locations,
            "availability_rule": rule,
        }

    async def create_one_off(self, request: Request) -> Response:
        caller = self.api.caller(request)
        body = await json_object(request)
        store = self.api.store
        name = text(body, "name", MAX_NAME, required=True) or ""
        host = self._member(body.get("host"), "host", required=True)
        assert host is not None
        if host.uuid != caller.uuid and not caller.is_admin:
            raise permission_denied()
        raw_co_hosts = body.get("co_hosts", [])
        if not isinstance(raw_co_hosts, list):
            raise invalid("co_hosts", "must be a list of user URIs")
        listed: list[object] = list(raw_co_hosts)  # pyright: ignore[reportUnknownArgumentType]
        co_hosts = [self._member(v, "co_hosts") for v in listed]
        ids = [u.uuid for u in co_hosts if u is not None]
        if len(ids) > MAX_CO_HOSTS or len(set(ids)) < len(ids) or host.uuid in ids:
            raise invalid("co_hosts", f"at most {MAX_CO_HOSTS} distinct users, not the host")
        if "duration" not in body:
            raise invalid("duration", "is required")
        duration = whole(body["duration"], "duration", 1, MAX_DURATION)
        zone = body.get("timezone", host.timezone)
        if not is_zone(zone):
            raise invalid("timezone", "must be an IANA time zone")
        first, last = self._date_setting(body.get("date_setting"), ZoneInfo(str(zone)))
        locations = self._adhoc_location(body.get("location"))
        now = store.now()
        code = new_code()
        event_type = DatedEventType(
            uuid=str(uuid.uuid4()),
            owner=host.uuid,
            name=name,
            slug=code,
            duration=duration,
            duration_options=None,
            active=True,
            kind="solo",
            invitees_limit=1,
            color="#0069ff",
            description_plain=None,
            internal_note=None,
            locations=locations,
            custom_questions=[],
            position=0,
            secret=True,
            created_at=now,
            updated_at=now,
            locale=host.locale if host.locale in ("en", "fr", "es", "de", "nl", "pt", "it", "uk") else "en",
            first_day=first,
            last_day=last,
            zone=str(zone),
            adhoc=True,
            co_hosts=ids,
            booking_url=f"{origin(request)}/d/{code}/{slugify(name)}",
        )
        store.add_event_type(event_type)
        # The one-off's booking page books once, as a single-use link does.
        store.add_link(
            SchedulingLink(code, event_type.uuid, event_type.booking_url or "", now, made_by="one_off")
        )
        return JSONResponse({"resource": event_type.to_api(host)}, status_code=201)

    def _member(self, raw: object, parameter: str, *, required: bool = False) -> User | None:
        if raw is None and not required:
            return None
        ident = id_from_uri(raw, "users") if isinstance(raw, str) else None
        if ident is None:
            raise invalid(
                parameter, "is required and must be a user URI" if required else "must be user URIs"
            )
        user = self.api.store.user(ident)
        if user is None:
            raise permission_denied(NOT_IN_ORG)
        return user

    def _date_setting(self, raw: object, zone: ZoneInfo) -> tuple[date | None, date | None]:
        if not isinstance(raw, dict):
            raise invalid("date_setting", "is required")
        setting: JSONDict = raw  # pyright: ignore[reportUnknownVariableType]
        today = self.api.store.now().astimezone(zone).date()
        kind = setting.get("type")
        if kind == "date_range":
            start = a_date(setting.get("start_date"), "date_setting.start_date")
            end = a_date(setting.get("end_date"), "date_setting.end_date")
            if end < start:
                raise invalid("date_setting.start_date", "Must be before end_date")
            if end < today:
                raise invalid("date_setting.end_date", "Must be a date in the future")
            if (end - start).days >= MAX_RANGE_DAYS:
                raise invalid("date_setting.end_date", "must be less than 365 days after start_date")
            return start, end
        if kind == "days_in_future":
            days = whole(setting.get("days"), "date_setting.days", 0, MAX_RANGE_DAYS)
            weekdays_only = setting.get("only_weekdays")
            if not isinstance(weekdays_only, bool):
                raise invalid("date_setting.only_weekdays", "is required")
            last, counted = today, 0
            while counted < days:
                last += timedelta(days=1)
                counted += 1 if not weekdays_only or last.weekday() < 5 else 0
            return today, last
        if kind == "spots":
            spots = setting.get("spots")
            if not isinstance(spots, list) or not spots:
                raise invalid("date_setting.spots", "is required")
            bounds: list[datetime] = []
            for index, spot in enumerate(spots):  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]
                if not isinstance(spot, dict):
                    raise invalid(f"date_setting.spots[{index}]", "must be an object")
                item: JSONDict = spot  # pyright: ignore[reportUnknownVariableType]
                start = parse_time("date_setting.spots.start_time", item.get("start_time"))
                end = parse_time("date_setting.spots.end_time", item.get("end_time"))
                if end <= start:
                    raise invalid(f"date_setting.spots[{index}].end_time", "must be after start_time")
                bounds += [start, end]
            return min(bounds).astimezone(zone).date(), max(bounds).astimezone(zone).date()
        raise invalid("date_setting.type", "must be date_range, days_in_future or spots")

    @staticmethod
    def _adhoc_location(raw: object) -> list[JSONDict]:
        if raw is None:
            return []
        if not isinstance(raw, dict):
            raise invalid("location", "must be an object")
        location: JSONDict = raw  # pyright: ignore[reportUnknownVariableType]
        kind = location.get("kind")
        if kind not in ADHOC_KINDS:
            raise invalid("location.kind", f"must be one of: {', '.join(ADHOC_KINDS)}")
        kept: JSONDict = {"kind": kind}
        for key in ("location", "additional_info", "phone_number"):
            value = text(location, key, 255, where="location.")
            if value is not None:
                kept[key] = value
        if kind == "inbound_call" and "phone_number" not in kept:
            raise invalid("location.phone_number", "is required when kind is inbound_call")
        return [kept]


# --- the booking pages and the control that books through a link --------------------------------------


class Pages:
    """What a link's booking URL opens, and `POST /_sandbox/links/{code}/book`, which books through it as
    an invitee on that page would (once: a used link refuses)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.api = CalendlyAPI(sandbox)

    def _offer(self, link: SchedulingLink) -> tuple[EventType, Calendar, User]:
        """The link's event type as it books (a share's overrides applied) and the host's calendar."""
        store = self.sandbox.store
        base = store.event_type(link.event_type)
        if base is None:
            raise not_found()
        owner = store.users_by_id()[base.owner]
        calendar = store.calendar(owner.uuid)
        override = link.override
        if override is None:
            return base, calendar, owner
        schedule = schedule_of(override["availability_rule"], owner.uuid)
        calendar = Calendar(schedule=schedule, meetings=calendar.meetings, blocks=calendar.blocks)
        zone = ZoneInfo(schedule.timezone)
        first, last = period_days(override, schedule, store.now().astimezone(zone).date())
        offered = dated(
            base,
            name=override["name"],
            duration=override["duration"],
            duration_options=override["duration_options"],
            locations=[
                {k: v for k, v in c.items() if k != "position"} for c in override["location_configurations"]
            ],
            first_day=first,
            last_day=last,
            zone=schedule.timezone,
        )
        return offered, calendar, owner

    def _find(self, request: Request) -> SchedulingLink:
        link = self.sandbox.store.link(request.path_params["code"])
        if link is None:
            raise _NoLink()
        return link

    async def page(self, request: Request) -> Response:
        try:
            link = self._find(request)
            event_type, calendar, owner = self._offer(link)
        except (_NoLink, CalendlyError):
            return HTMLResponse(_page("Page not found", "<p>This link does not exist.</p>"), status_code=404)
        title = f"{html.escape(event_type.name)} with {html.escape(owner.name)}"
        if link.used_by is not None:
            return HTMLResponse(_page(title, f"<p>{html.escape(USED)}</p>"))
        now = self.sandbox.store.now()
        slots = offered_slots(calendar, event_type, now, now + timedelta(days=7), now)[:20]
        items = "".join(f"<li><time>{iso(s.start)}</time></li>" for s in slots) or "<li>No times offered</li>"
        return HTMLResponse(_page(title, f"<p>{event_type.duration} minutes</p><ul>{items}</ul>"))

    async def times(self, request: Request) -> Response:
        """`GET /_sandbox/links/{code}?start_time=&end_time=`: what the link offers (default: the next 7 days)."""
        try:
            link = self._find(request)
        except _NoLink:
            return JSONResponse({"error": "no such link"}, status_code=404)
        event_type, calendar, _ = self._offer(link)
        now = self.sandbox.store.now()
        try:
            start = parse_time("start_time", request.query_params.get("start_time") or iso(now))
            end = parse_time("end_time", request.query_params.get("end_time") or iso(now + timedelta(days=7)))
        except CalendlyError as error:
            return JSONResponse({"error": error.message}, status_code=400)
        end = min(end, start + timedelta(days=AVAILABLE_TIMES_MAX_DAYS))
        slots = [] if link.used_by else offered_slots(calendar, event_type, start, end, now)
        return JSONResponse(
            {
                "booking_url": link.booking_url,
                "event_type": event_type.uri,
                "name": event_type.name,
                "duration": event_type.duration,
                "locations": [c["kind"] for c in event_type.locations],
                "used": link.used_by is not None,
                "used_by": link.used_by,
                "available_times": [iso(s.start) for s in slots],
            }
        )

    async def book(self, request: Request) -> Response:
        """`POST /_sandbox/links/{code}/book` `{start_time, name, email, timezone}`: book through the link."""
        try:
            link = self._find(request)
        except _NoLink:
            return JSONResponse({"error": "no such link"}, status_code=404)
        if link.used_by is not None:
            return JSONResponse({"error": USED}, status_code=403)
        try:
            body: Any = await request.json()
        except ValueError:
            return JSONResponse({"error": "the body must be JSON"}, status_code=400)
        given: JSONDict = body if isinstance(body, dict) else {}  # pyright: ignore[reportUnknownVariableType]
        name, email, zone = given.get("name"), given.get("email"), given.get("timezone", "UTC")
        if not (isinstance(name, str) and name and isinstance(email, str) and EMAIL_AT in email):
            return JSONResponse({"error": "name and email are required"}, status_code=400)
        if not is_zone(zone):
            return JSONResponse({"error": "timezone must be an IANA time zone"}, status_code=400)
        try:
            start = parse_time("start_time", given.get("start_time"))
        except CalendlyError:
            return JSONResponse({"error": "start_time must be an ISO 8601 time"}, status_code=400)
        store = self.sandbox.store
        event_type, calendar, _ = self._offer(link)
        location = event_type.locations[0] if event_type.locations else None
        booking = Booking(
            event_type=event_type, start=start.astimezone(UTC), name=name, first_name=None, last_name=None,
            email=email, timezone=str(zone), text_reminder_number=None, location=location, location_value=None,
            answers=[], tracking={}, guests=[],
        )  # fmt: skip
        try:
            event, invitee = book(booking, calendar, store.now())
        except CalendlyError:
            return JSONResponse({"error": "That time is not offered by this link."}, status_code=400)
        store.add_event(event)
        link.used_by = invitee.uri
        self.api.announce("invitee.created", event, [invitee])
        return JSONResponse({"invitee": invitee.uri, "event": event.uri}, status_code=201)


class _NoLink(Exception):
    pass


def _page(title: str, content: str) -> str:
    return f"<!doctype html><html><head><title>{title}</title></head><body><h1>{title}</h1>{content}</body></html>"


def routes(api: CalendlyAPI) -> list[Route]:
    links = Links(api)
    return [
        Route("/scheduling_links", links.create_link, methods=["POST"]),
        Route("/shares", links.create_share, methods=["POST"]),
        Route("/one_off_event_types", links.create_one_off, methods=["POST"]),
    ]


def link_pages(sandbox: Sandbox) -> list[Route]:
    """Served without credentials, as calendly.com's pages are, in front of the API (sandbox/assembly.py)."""
    pages = Pages(sandbox)
    return [
        Route("/d/{code}/{slug}", pages.page, methods=["GET"]),
        Route("/_sandbox/links/{code}", pages.times, methods=["GET"]),
        Route("/_sandbox/links/{code}/book", pages.book, methods=["POST"]),
    ]
