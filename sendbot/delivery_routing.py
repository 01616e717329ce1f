"""One delivery for a deployment that serves Slack, Teams or both: each person is reached on a
platform they have an account on, each channel on the platform it belongs to."""

from bot.delivery import Delivery, DeliveryError, OutgoingFile, Place, Recipient
from bot.people import PersonRef

# Teams channel and chat ids start "19:" ("19:…@thread.tacv2"); Slack's are C…, G… or D….
TEAMS_PLACE_PREFIX = "19:"


class RoutingDelivery:
    def __init__(self, doors: dict[str, Delivery]) -> None:
        self.doors = doors

    def to_person(self, person: PersonRef, content: object) -> None:
        self._each_door(person, lambda door: door.to_person(person, content))

    def to_place(self, place: Place, content: object) -> None:
        self._door_of(place).to_place(place, content)

    def file(self, to: Recipient, file: OutgoingFile) -> None:
        if isinstance(to, Place):
            self._door_of(to).file(to, file)
        else:
            self._each_door(to, lambda door: door.file(to, file))

    def _each_door(self, person: PersonRef, send) -> None:
        """The newest account first (the platform the person came to the bot on most
        recently); a permanent refusal there tries the next, a passing one is for next time."""
        platforms = [a.platform for a in reversed(person.accounts) if a.platform in self.doors]
        if not platforms:
            raise DeliveryError("has no chat account the bot can reach", permanent=True)
        refusal: DeliveryError | None = None
        for platform in dict.fromkeys(platforms):
            try:
                send(self.doors[platform])
                return
            except DeliveryError as error:
                if not error.permanent:
                    raise
                refusal = error
        assert refusal is not None
        raise refusal

    def _door_of(self, place: Place) -> Delivery:
        platform = "teams" if place.address.startswith(TEAMS_PLACE_PREFIX) else "slack"
        door = self.doors.get(platform)
        if door is None:
            raise DeliveryError(f"channel {place.address} is on {platform}", permanent=True)
        return door
