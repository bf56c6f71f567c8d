"""Contacts: the people a user meets, with their custom fields; the resources, the rows and the arguments."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from calendly_mcp.schemas.resources import CalendlyModel

# The kinds of custom field Calendly's spec names (ContactCustomFieldDefinitionFieldType).
FieldType = Literal["text", "number", "currency", "tags", "date", "single_select", "invitee_question"]
# A custom field's value as the spec types it: text, a number, a boolean, tags, or null to clear it.
FieldValue = str | int | float | bool | list[str] | None


class ContactEmail(CalendlyModel):
    """An e-mail address of a contact."""

    email: str = Field(description="Email address.")
    is_primary: bool | None = Field(None, description="Whether it is the primary address.")


class ContactPhone(CalendlyModel):
    """A phone number of a contact."""

    phone_number: str = Field(description="Phone number.")


class ContactFieldValue(CalendlyModel):
    """A custom field's value on a contact."""

    uri: str = Field(description="Custom field definition URI.")
    label: str | None = Field(None, description="The field's name.")
    value: FieldValue = Field(None, description="The value; its type is the field's.")


class Contact(CalendlyModel):
    """A contact (GET /contacts/{uuid})."""

    uri: str = Field(description="Contact URI.")
    name: str | None = Field(None, description="Name.")
    emails: list[ContactEmail] = Field(description="Email addresses.")
    phone_numbers: list[ContactPhone] | None = Field(None, description="Phone numbers.")
    timezone: str | None = Field(None, description="IANA time zone.")
    job_title: str | None = Field(None, description="Job title.")
    company: str | None = Field(None, description="Company.")
    country: str | None = Field(None, description="Two-letter country code.")
    state: str | None = Field(None, description="State, province or region.")
    city: str | None = Field(None, description="City.")
    linkedin: str | None = Field(None, description="LinkedIn profile URL.")
    custom_fields: list[ContactFieldValue] | None = Field(None, description="Custom field values.")
    created_at: AwareDatetime = Field(description="When it was created.")
    updated_at: AwareDatetime = Field(description="When last changed.")
    first_email_date: AwareDatetime | None = Field(None, description="First e-mail exchanged.")
    last_email_date: AwareDatetime | None = Field(None, description="Latest e-mail exchanged.")
    next_meeting_date: AwareDatetime | None = Field(None, description="Next meeting.")
    last_meeting_date: AwareDatetime | None = Field(None, description="Latest meeting held.")
    last_interaction_date: AwareDatetime | None = Field(None, description="Latest e-mail or meeting.")

    @property
    def primary_email(self) -> str | None:
        primary = next((e for e in self.emails if e.is_primary), None) or next(iter(self.emails), None)
        return None if primary is None else primary.email


class FieldOption(CalendlyModel):
    """A choice of a single_select custom field."""

    uuid: str = Field(description="Option id: the value to set.")
    label: str = Field(description="Label.")
    color: str | None = Field(None, description="Display color.")
    is_active: bool | None = Field(None, description="Whether it can be chosen.")


class FieldSource(CalendlyModel):
    """Where a system-made custom field comes from (an invitee question)."""

    type: str = Field(description="event_type_invitee_question.")
    event_type_uri: str | None = Field(None, description="Event type URI.")
    question: str | None = Field(None, description="Question text.")


class CustomFieldDefinition(CalendlyModel):
    """A custom field contacts can carry (GET /contacts/custom_field_definitions/{uuid})."""

    uri: str = Field(description="Definition URI.")
    label: str = Field(description="Name.")
    # A str, not FieldType: Calendly adds kinds, and an unknown one must not make the answer unreadable.
    field_type: str = Field(description="text, number, currency, tags, date, single_select...")
    options: list[FieldOption] | None = Field(None, description="Choices, for single_select.")
    currency: str | None = Field(None, description="ISO currency code, for currency.")
    source: FieldSource | None = Field(None, description="Origin, for invitee_question.")
    created_at: AwareDatetime = Field(description="When it was created.")
    updated_at: AwareDatetime = Field(description="When last changed.")


# --- tool outputs ------------------------------------------------------------------------------------


class ContactRow(BaseModel):
    """A contact in a list; get_contact gives the whole of it."""

    uri: str
    name: str | None = None
    email: str | None = Field(None, description="Primary e-mail")
    company: str | None = None
    job_title: str | None = None
    next_meeting_date: AwareDatetime | None = None
    last_interaction_date: AwareDatetime | None = None

    @classmethod
    def of(cls, contact: Contact) -> ContactRow:
        return cls(
            uri=contact.uri,
            name=contact.name,
            email=contact.primary_email,
            company=contact.company,
            job_title=contact.job_title,
            next_meeting_date=contact.next_meeting_date,
            last_interaction_date=contact.last_interaction_date,
        )


class FieldRow(BaseModel):
    """A custom field definition in a list."""

    uri: str
    label: str
    field_type: str
    options: list[str] | None = Field(None, description="Active choices: 'label=uuid'")
    currency: str | None = None

    @classmethod
    def of(cls, definition: CustomFieldDefinition) -> FieldRow:
        options = None
        if definition.options is not None:
            options = [f"{o.label}={o.uuid}" for o in definition.options if o.is_active is not False]
        return cls(
            uri=definition.uri,
            label=definition.label,
            field_type=definition.field_type,
            options=options,
            currency=definition.currency,
        )


# --- arguments ---------------------------------------------------------------------------------------


# One custom field value to set (no docstring: it would be the schema's description, read on every call).
class FieldSetting(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field: str = Field(max_length=256, description="Field id/URI")
    # A whole number arrives as a float here: the tool sends it back as an integer (currency wants one).
    value: str | float | bool | list[str] | None = Field(description="null clears")


ContactSort = Literal["created_at:asc", "created_at:desc", "updated_at:asc", "updated_at:desc"]
ContactId = Annotated[str, Field(max_length=256)]
FieldId = Annotated[str, Field(max_length=256)]
