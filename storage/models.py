"""The plan as tables: working groups, areas, actions with their history, and people."""

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import CleanLine, CleanText, UTCDateTime, utcnow

# How wide a chat platform's own identifiers may be: Teams conversation ids run past 130
# characters, so every account, channel or conversation column takes this much.
PLATFORM_ID_LENGTH = 300


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime}


class Person(Base):
    """Someone the plan names. Chat accounts are optional: a person may have none at all."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(CleanLine(200))
    email: Mapped[str | None] = mapped_column(CleanLine(320), index=True)
    organisation: Mapped[str | None] = mapped_column(CleanLine(200))
    role_title: Mapped[str | None] = mapped_column(CleanLine(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    accounts: Mapped[list["ChatAccount"]] = relationship(
        back_populates="person", lazy="selectin", order_by="ChatAccount.id"
    )


class ChatAccount(Base):
    """A person's account on one chat platform, and what that platform needs to reach them."""

    __tablename__ = "chat_accounts"
    __table_args__ = (UniqueConstraint("platform", "account_id", name="uq_chat_accounts_account"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE", name="fk_chat_accounts_person"), index=True
    )
    platform: Mapped[str] = mapped_column(String(20))
    account_id: Mapped[str] = mapped_column(String(PLATFORM_ID_LENGTH))
    # Beyond the account id, e.g. a Teams conversation reference (JSON); Slack needs none.
    reach: Mapped[str | None] = mapped_column(Text)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="accounts")


class PlaceReach(Base):
    """What a platform needs to post to one of its channels later, beyond the channel's address
    (for Teams, the service URL of the channel's team and its tenant): the door's own words."""

    __tablename__ = "place_reaches"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    address: Mapped[str] = mapped_column(String(PLATFORM_ID_LENGTH), primary_key=True)
    reach: Mapped[str] = mapped_column(Text)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)


def person_fk(table: str, column: str) -> ForeignKey:
    return ForeignKey("people.id", name=f"fk_{table}_{column}_people")


class WorkingGroup(Base):
    __tablename__ = "working_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(CleanLine(200))
    lead_id: Mapped[int | None] = mapped_column(person_fk("working_groups", "lead_id"))
    channel_id: Mapped[str | None] = mapped_column(String(PLATFORM_ID_LENGTH))
    # No longer in the board file: its actions stay, but it takes no new ones.
    retired: Mapped[bool] = mapped_column(default=False, server_default=false())

    lead: Mapped[Person | None] = relationship(lazy="joined")


class Area(Base):
    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(CleanLine(500))


# An action's co-owners: leads beside its owner, often from another organisation. Both are
# reminded and both may update.
action_co_owners = Table(
    "action_co_owners",
    Base.metadata,
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "person_id",
        ForeignKey("people.id", name="fk_action_co_owners_person", ondelete="CASCADE"),
        primary_key=True,
    ),
    Index("ix_action_co_owners_person", "person_id"),
)

action_areas = Table(
    "action_areas",
    Base.metadata,
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
)


class Action(Base):
    __tablename__ = "actions"
    __table_args__ = (
        Index("ix_actions_owner_status", "owner_id", "status"),
        Index("ix_actions_group_status_live", "working_group_id", "status", "withdrawn_at"),
        Index("ix_actions_due", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(CleanLine(40))
    # Refs are unique ignoring case ("wg3.2" is "WG3.2"); the key makes the database enforce it.
    ref_key: Mapped[str] = mapped_column(CleanLine(40), unique=True)
    title: Mapped[str] = mapped_column(CleanLine(500))
    description: Mapped[str | None] = mapped_column(CleanText)
    working_group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id"))
    owner_id: Mapped[int] = mapped_column(person_fk("actions", "owner_id"))
    sro_id: Mapped[int | None] = mapped_column(person_fk("actions", "sro_id"))
    start_date: Mapped[date | None] = mapped_column(Date)
    # Both empty when no date is agreed ("Ongoing", "TBC"): never overdue, never reminded.
    original_due_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    due_revised_by: Mapped[int | None] = mapped_column(person_fk("actions", "due_revised_by"))
    due_revised_at: Mapped[datetime | None]
    due_revised_reason: Mapped[str | None] = mapped_column(CleanText)
    # Who approved the revised date, "board" or "dfe" (DfE/NHS England), and when.
    due_approved_by: Mapped[str | None] = mapped_column(String(20))
    due_approved_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="not started")
    success_measures: Mapped[str | None] = mapped_column(CleanText)
    evidence: Mapped[str | None] = mapped_column(CleanText)
    outcome: Mapped[str | None] = mapped_column(CleanText)  # the intended outcome
    # The day it went blue (London); cleared if it leaves blue. Progress commentary is history.
    achieved_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(CleanLine(200))
    withdrawn_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The last time someone reported on the action: what "stale" is measured from.
    last_update_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The last report by its owner, lead or an admin in chat (a status change, a note or
    # evidence): what readiness for a visit counts. An import, re-date or reassignment is not.
    progress_at: Mapped[datetime | None]
    # Reminders for this action wait until this day (the Snooze button).
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    working_group: Mapped[WorkingGroup] = relationship(lazy="joined")
    owner: Mapped[Person] = relationship(foreign_keys=[owner_id], lazy="joined")
    sro: Mapped[Person | None] = relationship(foreign_keys=[sro_id], lazy="joined")
    due_reviser: Mapped[Person | None] = relationship(foreign_keys=[due_revised_by])
    areas: Mapped[list[Area]] = relationship(secondary=action_areas, order_by=Area.number)
    co_owners: Mapped[list[Person]] = relationship(
        secondary=action_co_owners, order_by=Person.id, lazy="selectin"
    )
    history: Mapped[list["ActionHistory"]] = relationship(
        back_populates="action", order_by="ActionHistory.id", cascade="all, delete-orphan"
    )

    # Optimistic locking: two people saving the same action at once cannot silently overwrite.
    __mapper_args__ = {"version_id_col": version}


class ActionHistory(Base):
    __tablename__ = "action_history"
    __table_args__ = (
        Index("ix_action_history_action", "action_id", "id"),
        # "What changed since the last board meeting" reads status changes by time.
        Index("ix_action_history_field_at", "field", "at"),
        Index("ix_action_history_field_value_at", "field", "new_value", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # None: the bot itself did it (an import), not a person.
    actor_id: Mapped[int | None] = mapped_column(person_fk("action_history", "actor_id"))
    event: Mapped[str] = mapped_column(String(30))
    field: Mapped[str | None] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(CleanText)
    new_value: Mapped[str | None] = mapped_column(CleanText)
    note: Mapped[str | None] = mapped_column(CleanText)

    action: Mapped[Action] = relationship(back_populates="history")
    actor: Mapped[Person | None] = relationship(lazy="joined")


class Deadline(Base):
    """A dated event: a DfE/NHSE monitoring visit, a board meeting, or anything else."""

    __tablename__ = "deadlines"
    __table_args__ = (Index("ix_deadlines_date", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    date: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(CleanLine(300))
    # None: a past review an import brought in from a tracker's columns, not added in chat.
    created_by: Mapped[int | None] = mapped_column(person_fk("deadlines", "created_by"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]
    removed_by: Mapped[int | None] = mapped_column(person_fk("deadlines", "removed_by"))
    # A visit's evidence went in (`deadline evidence-sent`): its evidence reminders stop.
    evidence_sent_at: Mapped[datetime | None]
    evidence_sent_by: Mapped[int | None] = mapped_column(person_fk("deadlines", "evidence_sent_by"))
    # When this review's snapshot of every action was taken (it had passed).
    snapshot_at: Mapped[datetime | None]


class ReviewSnapshot(Base):
    """An action's BRAG and latest commentary as they stood when a review (a visit or board
    meeting) passed: what real trackers keep as one BRAG and one Progress column per review."""

    __tablename__ = "review_snapshots"
    __table_args__ = (
        UniqueConstraint("deadline_id", "action_id", name="uq_review_snapshots_action"),
        Index("ix_review_snapshots_action", "action_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id"))
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    brag: Mapped[str] = mapped_column(String(20))
    progress: Mapped[str | None] = mapped_column(CleanText)
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)


class DateRequest(Base):
    """An owner's request for a new due date, and an admin's answer (Approve or Decline)."""

    __tablename__ = "date_requests"
    __table_args__ = (Index("ix_date_requests_state", "state", "action_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    requested_by: Mapped[int] = mapped_column(person_fk("date_requests", "requested_by"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_date: Mapped[date] = mapped_column(Date)  # the due date when it was asked
    proposed_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(CleanText)
    state: Mapped[str] = mapped_column(String(10), default="pending")  # approved, declined
    decided_by: Mapped[int | None] = mapped_column(person_fk("date_requests", "decided_by"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(CleanText)

    action: Mapped[Action] = relationship()
    requester: Mapped[Person] = relationship(foreign_keys=[requested_by], lazy="joined")
    decider: Mapped[Person | None] = relationship(foreign_keys=[decided_by])


class HighlightUpdate(Base):
    """A working group lead's highlight update for a board meeting. Every one sent is kept;
    the latest for a group and meeting is the one shown."""

    __tablename__ = "highlight_updates"
    __table_args__ = (Index("ix_highlight_updates_meeting", "deadline_id", "working_group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id"))
    working_group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id"))
    author_id: Mapped[int] = mapped_column(person_fk("highlight_updates", "author_id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    brag: Mapped[str] = mapped_column(String(20))
    achievements: Mapped[str] = mapped_column(CleanText)
    issues: Mapped[str | None] = mapped_column(CleanText)
    next_steps: Mapped[str | None] = mapped_column(CleanText)

    author: Mapped[Person] = relationship(lazy="joined")
    working_group: Mapped[WorkingGroup] = relationship(lazy="joined")


class Reminder(Base):
    """One reminder occurrence. The unique key is what makes each one go out only once."""

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_state", "state", "claimed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    # A reminder goes to a person, or to a place (a channel, by its platform's address).
    recipient_id: Mapped[int | None] = mapped_column(person_fk("reminders", "recipient_id"))
    place: Mapped[str | None] = mapped_column(String(PLATFORM_ID_LENGTH))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="SET NULL"))
    # claimed → sent, or claimed → failed (a permanent Slack error, kept for the operator).
    state: Mapped[str] = mapped_column(String(10))
    claimed_at: Mapped[datetime]
    claimed_by: Mapped[str] = mapped_column(String(100))
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(200))


class ClockLease(Base):
    """Held by the one clock process whose sweep is running, so sweeps never overlap."""

    __tablename__ = "clock_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime]


class Risk(Base):
    """A risk to delivery: cause → event → consequence, scored likelihood × impact."""

    __tablename__ = "risks"
    __table_args__ = (Index("ix_risks_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)  # the n of the ref R<n>
    description: Mapped[str] = mapped_column(CleanText)
    owner_id: Mapped[int] = mapped_column(person_fk("risks", "owner_id"))
    working_group_id: Mapped[int | None] = mapped_column(ForeignKey("working_groups.id"))
    likelihood: Mapped[int]
    impact: Mapped[int]
    mitigation: Mapped[str | None] = mapped_column(CleanText)
    review_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    # Since the last rescore: "up", "down" or "same"; None until the first review.
    trend: Mapped[str | None] = mapped_column(String(5))
    # None: brought in by an import, not created by a person in chat.
    created_by: Mapped[int | None] = mapped_column(person_fk("risks", "created_by"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)

    working_group: Mapped[WorkingGroup | None] = relationship(lazy="joined")
    owner: Mapped[Person] = relationship(foreign_keys=[owner_id], lazy="joined")
    history: Mapped[list["RiskHistory"]] = relationship(
        back_populates="risk", order_by="RiskHistory.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def ref(self) -> str:
        return f"R{self.number}"

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class RiskHistory(Base):
    __tablename__ = "risk_history"
    __table_args__ = (Index("ix_risk_history_risk", "risk_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risks.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(person_fk("risk_history", "actor_id"))
    event: Mapped[str] = mapped_column(String(30))
    old_score: Mapped[int | None]
    new_score: Mapped[int | None]
    field: Mapped[str | None] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(CleanText)
    new_value: Mapped[str | None] = mapped_column(CleanText)
    note: Mapped[str | None] = mapped_column(CleanText)

    risk: Mapped[Risk] = relationship(back_populates="history")
    actor: Mapped[Person | None] = relationship(lazy="joined")


class SeenRequest(Base):
    """A signed request already acted on: a copy replayed inside its freshness window does nothing.

    Kept in the database, not in memory, so a replay sent to another web process is caught too.
    """

    __tablename__ = "seen_requests"

    # The door's own name for the request, e.g. Slack's signature: unique to timestamp and body.
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    # When the sender says it sent the request (seconds since 1970), to forget it after the window.
    sent_at: Mapped[int] = mapped_column(BigInteger, index=True)


class FamilyUpdate(Base):
    """A draft of the family-friendly update ("You said, we did"). It is shared only once an
    admin has approved it; the approved copy is the one the CLI writes."""

    __tablename__ = "family_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(person_fk("family_updates", "created_by"))
    markdown: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    chart: Mapped[bytes | None] = mapped_column(LargeBinary)
    reading_ease: Mapped[float] = mapped_column(Float)
    to_check: Mapped[str | None] = mapped_column(Text)  # acronyms to spell out, comma-separated
    approved_by: Mapped[int | None] = mapped_column(person_fk("family_updates", "approved_by"))
    approved_at: Mapped[datetime | None]

    approver: Mapped[Person | None] = relationship(foreign_keys=[approved_by], lazy="joined")
