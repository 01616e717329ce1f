"""The kinds of review a board's plan has, as `deadline add` reads them.

board.toml `[plan] review_kinds` names them in the board's words ("support and challenge
meeting", "monitoring visit", "stocktake"). The first is the main DfE/NHS England review: it is
kept as a visit, with an evidence deadline and readiness. Any other is kept as a review between
them (a stocktake). "visit" and "stocktake" are always understood too.
"""

from dataclasses import dataclass, replace

from bot.plan_config import PlanConfig, sentence, short_review
from bot.typed_text import COMMAND


@dataclass(frozen=True)
class ReviewKind:
    words: str  # as the board says it and an admin types it
    stored: str  # "visit" or "stocktake" (Deadline.kind)
    title: str  # a new one's title when none is typed

    @property
    def usage(self) -> tuple[str, str]:
        what = "" if self.stored == "visit" else " (a review of the plan between visits)"
        return (
            f"{COMMAND}deadline add {self.words} DATE [title]{what}",
            f"{COMMAND}deadline add {self.words} in 8 weeks",
        )


def review_kinds(plan: PlanConfig) -> tuple[ReviewKind, ...]:
    main, *others = plan.review_kinds
    kinds = [ReviewKind(short_review(main), "visit", f"DfE/NHSE {main}")]
    for words in others:
        title = "Plan stocktake" if words == "stocktake" else sentence(words)
        kinds.append(ReviewKind(words, "stocktake", title))
    return tuple(kinds)


def take_kind(typed: str, kinds: tuple[ReviewKind, ...]) -> tuple[ReviewKind | None, str]:
    """The kind of review `typed` starts with (the longest name that fits), and the rest."""
    words = typed.split()
    lowered = [w.lower() for w in words]
    named = {k.words: k for k in kinds}
    named.setdefault(kinds[0].title.removeprefix("DfE/NHSE "), kinds[0])
    # The words every board has used so far still work.
    named.setdefault("visit", kinds[0])
    named.setdefault(
        "stocktake",
        kinds[1] if len(kinds) > 1 else ReviewKind("stocktake", "stocktake", "Plan stocktake"),
    )
    for name in sorted(named, key=lambda n: -len(n.split())):
        size = len(name.split())
        if lowered[:size] == name.split():
            # An old word keeps its own usage line: "deadline add visit DATE [title]".
            return replace(named[name], words=name), " ".join(words[size:])
    return None, typed
