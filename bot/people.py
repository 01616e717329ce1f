"""People: everyone the plan names, with the chat accounts (if any) that reach them.

A door tells the core who is speaking by platform and account id; the core finds the person, or
makes one the first time they are seen, with the name and email the door can look up. The core
never reads an account id: it only stores it and hands it back to the door that owns it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.errors import UserError
from storage.database import Database
from storage.models import ChatAccount, Person

ASK_AGAIN_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Account:
    platform: str
    account_id: str


@dataclass(frozen=True)
class PersonRef:
    """A person as results carry them: enough to show a name or mention them on any door."""

    id: int
    name: str | None = None
    email: str | None = None
    accounts: tuple[Account, ...] = ()

    @property
    def has_account(self) -> bool:
        """Whether any chat platform reaches them; one who has none is reached through their
        working group's lead (SPEC §2)."""
        return bool(self.accounts)

    @property
    def shown(self) -> str:
        """A name to show anywhere; before we learn it, what the person is known by."""
        known_by = self.accounts[0].account_id if self.accounts else f"person {self.id}"
        return self.name or self.email or known_by

    def account_on(self, platform: str) -> str | None:
        return next((a.account_id for a in self.accounts if a.platform == platform), None)


@dataclass(frozen=True)
class Profile:
    """What a door could find out about an account it has not seen before."""

    name: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Actor:
    """Who is asking, and whether they are an admin (the board chair or project manager)."""

    person: PersonRef
    is_admin: bool = False
    # Who the admins are, asked only when a refusal must name them.
    admins: Callable[[], list[PersonRef]] = field(default=list, compare=False, repr=False)

    @property
    def person_id(self) -> int:
        return self.person.id


def person_ref(person: Person) -> PersonRef:
    return PersonRef(
        person.id,
        person.name,
        person.email,
        tuple(Account(a.platform, a.account_id) for a in person.accounts),
    )


def optional_ref(person: Person | None) -> PersonRef | None:
    return person_ref(person) if person is not None else None


class People:
    def __init__(self, db: Database, admins: frozenset[str], clock: Clock | None = None) -> None:
        self.db = db
        self.clock = clock or Clock()
        # Admins are named by account id or email (BOT_ADMINS, board.toml); emails ignore case.
        self.admins = frozenset(a.casefold() if "@" in a else a for a in admins)

    def actor(self, person: PersonRef) -> Actor:
        return Actor(person, self.is_admin(person), self.admin_refs)

    def is_admin(self, person: PersonRef) -> bool:
        if person.email and person.email.casefold() in self.admins:
            return True
        return any(a.account_id in self.admins for a in person.accounts)

    def by_account(
        self, platform: str, account_id: str, profile: Callable[[], Profile | None]
    ) -> PersonRef | None:
        """The person with this account; the first time, a new person (or the person with the
        same email) from `profile()`. None when the account is new and the door could not find
        it on its platform."""
        with self.db.session() as session:
            found = _account(session, platform, account_id)
            if found is not None and (found.person.name or self._asked_lately(found)):
                return person_ref(found.person)
        looked_up = profile()
        if found is None and looked_up is None:
            return None
        for attempt in range(2):
            try:
                with self.db.session() as session:
                    return person_ref(
                        self._save_account(session, platform, account_id, looked_up or Profile())
                    )
            except IntegrityError:
                # Two requests saw the same new person at once; the other one saved them.
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _asked_lately(self, account: ChatAccount) -> bool:
        """A person the platform could not name is asked again at most once a day, so a
        nameless account never costs a look-up on every command."""
        return self.clock.now() - account.seen_at < ASK_AGAIN_AFTER

    def _save_account(
        self, session: Session, platform: str, account_id: str, profile: Profile
    ) -> Person:
        now = self.clock.now()
        person = ensure_person(session, now, PersonKey(platform, account_id, profile.email))
        person.name = person.name or profile.name
        for account in person.accounts:
            if (account.platform, account.account_id) == (platform, account_id):
                account.seen_at = now  # when we last asked the platform about them
        session.flush()
        return person

    def keep_reach(self, platform: str, account_id: str, reach: str) -> None:
        """Remember what the platform needs to message this account later (a conversation
        reference, say): the door's own words, stored as given. Written only when it changes."""
        with self.db.session() as session:
            account = _account(session, platform, account_id)
            if account is not None and account.reach != reach:
                account.reach = reach

    def reach(self, person_id: int, platform: str) -> str | None:
        """What a door stored to reach this person on its platform, if anything."""
        with self.db.session() as session:
            return session.scalar(
                select(ChatAccount.reach).where(
                    ChatAccount.person_id == person_id, ChatAccount.platform == platform
                )
            )

    def admin_refs(self) -> list[PersonRef]:
        """The admins the bot knows as people, by chat account or email: who to tell about
        what only an admin can put right."""
        if not self.admins:
            return []
        admins = self.admins
        with self.db.session() as session:
            by_account = select(ChatAccount.person_id).where(ChatAccount.account_id.in_(admins))
            found = session.scalars(
                select(Person)
                .where(or_(Person.id.in_(by_account), func.lower(Person.email).in_(admins)))
                .order_by(Person.id)
            )
            return [person_ref(p) for p in found]

    def everyone(self, limit: int) -> list[PersonRef]:
        """The people the plan knows, by name: whom a form offers to choose from, so that no
        name typed into a form is ever guessed at."""
        shown = func.lower(func.coalesce(Person.name, Person.email, ""))
        with self.db.session() as session:
            rows = session.scalars(select(Person).order_by(shown, Person.id).limit(limit))
            return [person_ref(p) for p in rows]

    def refs(self, ids: Iterable[int]) -> dict[int, PersonRef]:
        with self.db.session() as session:
            return refs(session, ids)


@dataclass(frozen=True)
class PersonKey:
    """How a file or the board config names a person: an account, an email, or both; or, for
    a person with no chat account, only a name and perhaps a role."""

    platform: str | None = None
    account_id: str | None = None
    email: str | None = None
    name: str | None = None
    role: str | None = None


def find_person(session: Session, key: PersonKey) -> Person | None:
    if key.platform and key.account_id:
        account = _account(session, key.platform, key.account_id)
        if account is not None:
            return account.person
    if key.email:
        return _by_email(session, key.email)
    return _by_name(session, key.name)


def ensure_person(session: Session, now: datetime, key: PersonKey) -> Person:
    """The person the key names, made (with the account linked) if they are new."""
    person = find_person(session, key)
    if person is None:
        person = Person(email=key.email, created_at=now, updated_at=now)
        session.add(person)
    person.email = person.email or key.email
    person.name = person.name or key.name
    person.role_title = person.role_title or key.role
    if key.platform and key.account_id and _account(session, key.platform, key.account_id) is None:
        person.accounts.append(
            ChatAccount(platform=key.platform, account_id=key.account_id, seen_at=now)
        )
        person.updated_at = now
    session.flush()
    return person


def load_person(session: Session, person_id: int, field: str) -> Person:
    """The person a command names by id; gone (a stale form, say): a refusal on the field."""
    person = session.get(Person, person_id)
    if person is None:
        raise UserError("I can't find that person. Mention them again.", field=field)
    return person


def refs(session: Session, ids: Iterable[int]) -> dict[int, PersonRef]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.scalars(select(Person).where(Person.id.in_(wanted)))
    return {p.id: person_ref(p) for p in rows}


def _account(session: Session, platform: str, account_id: str) -> ChatAccount | None:
    return session.scalars(
        select(ChatAccount).where(
            ChatAccount.platform == platform, ChatAccount.account_id == account_id
        )
    ).one_or_none()


def _by_email(session: Session, email: str | None) -> Person | None:
    if not email:
        return None
    return session.scalars(
        select(Person).where(func.lower(Person.email) == email.casefold()).order_by(Person.id)
    ).first()


def _by_name(session: Session, name: str | None) -> Person | None:
    """A person without a chat account, named only by name (or role) as a tracker names them:
    the same words, ignoring case, are the same person; anything less exact is someone else.
    Someone on the chat platform with that name is not taken for them: only an admin, or the
    same email, links a person to an account."""
    if not name:
        return None
    return session.scalars(
        select(Person)
        .where(func.lower(Person.name) == name.casefold(), ~Person.accounts.any())
        .order_by(Person.id)
    ).first()
