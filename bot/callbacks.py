"""Every callback-data format the bot puts on a button, with encode/decode helpers.

Callback data comes back from the client, so it is untrusted input: each format is a short prefix
plus typed fields, decoded strictly (anything else matches no handler and gets the "expired button"
reply), and every handler re-checks permission against the database after decoding. Telegram caps
callback data at 64 bytes; `tests/bot/test_callbacks.py` checks every format at its largest.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.entry import Entry

__all__ = [
    "ALL_FORMATS",
    "FEEDBACK",
    "FORWARD_QUESTION",
    "HELP_ACK",
    "HELP_START",
    "HELP_VISIT",
    "ITEM_ADD",
    "ITEM_ADD_SUBCATEGORY",
    "ITEM_DONE",
    "ITEM_EVIDENCE",
    "ITEM_PAGE",
    "ITEM_PROGRESS",
    "ITEM_RETURN",
    "ITEM_VERIFY",
    "ITEM_VIEW",
    "LANGUAGE",
    "MAX_BYTES",
    "MENTEE_ITEMS",
    "MENTEE_PAGE",
    "NOOP",
    "REPLY_QUESTION",
    "REQUEST_CALL",
    "REQUEST_CLOSE",
    "REQUEST_SOONEST",
    "REQUEST_VIEW",
    "SETTING_TOGGLE",
    "SUGGESTION",
    "TOPIC_CATEGORY",
    "TOPIC_ENTRY",
    "TOPIC_ROOT",
    "TOPIC_SUBCATEGORY",
    "CallbackFormat",
    "entry_by_ref",
    "entry_ref",
]

MAX_BYTES = 64

# Field kinds: database ids and page numbers are decimal integers; words are KB/taxonomy ids.
_KIND_PATTERNS = {"int": r"\d{1,19}", "word": r"[a-z0-9_\-]{1,58}"}


@dataclass(frozen=True, slots=True)
class CallbackFormat:
    """One callback-data format: ``prefix:field1:field2``.

    Attributes:
        prefix: a short unique tag routed by the handler's ``pattern``.
        fields: the kinds of the fields that follow, ``"int"`` or ``"word"``.
    """

    prefix: str
    fields: tuple[str, ...] = ()

    @property
    def pattern(self) -> re.Pattern[str]:
        """The regular expression a handler registers to receive exactly this format."""
        parts = [re.escape(self.prefix), *(f"({_KIND_PATTERNS[k]})" for k in self.fields)]
        return re.compile("^" + ":".join(parts) + "$")

    def encode(self, *values: int | str) -> str:
        """Build the callback data for these field values.

        Raises:
            ValueError: if the values do not fit the format or the 64-byte limit.
        """
        if len(values) != len(self.fields):
            raise ValueError(f"{self.prefix}: expected {len(self.fields)} values")
        data = ":".join([self.prefix, *(str(v) for v in values)])
        if len(data.encode()) > MAX_BYTES or not self.pattern.match(data):
            raise ValueError(f"callback data {data!r} does not fit format {self.prefix!r}")
        return data

    def decode(self, data: str | None) -> tuple[int | str, ...]:
        """Return the typed field values of ``data``.

        Raises:
            ValueError: if ``data`` is not of this format (forged or stale buttons).
        """
        match = self.pattern.match(data or "")
        if match is None:
            raise ValueError(f"not a {self.prefix!r} callback: {data!r}")
        return tuple(
            int(v) if kind == "int" else v
            for kind, v in zip(self.fields, match.groups(), strict=True)
        )

    def ints(self, data: str | None) -> tuple[int, ...]:
        """Like `decode` for formats made only of integers, typed as such."""
        return tuple(int(v) for v in self.decode(data))


# Questions and answers
FEEDBACK = CallbackFormat("fb", ("int", "int"))  # question log id, 1 = 👍 / 0 = 👎
SUGGESTION = CallbackFormat("sg", ("int", "word"))  # question log id, entry ref
FORWARD_QUESTION = CallbackFormat("fw", ("int",))  # question log id
REPLY_QUESTION = CallbackFormat("rp", ("int",))  # question log id
# Topics
TOPIC_ROOT = CallbackFormat("tp")
TOPIC_CATEGORY = CallbackFormat("tc", ("word",))
TOPIC_SUBCATEGORY = CallbackFormat("ts", ("word",))
TOPIC_ENTRY = CallbackFormat("te", ("word",))  # entry ref
# Rectification items
ITEM_PAGE = CallbackFormat("il", ("int",))  # page
ITEM_VIEW = CallbackFormat("iv", ("int",))  # item id
ITEM_PROGRESS = CallbackFormat("ip", ("int",))
ITEM_DONE = CallbackFormat("id", ("int",))
ITEM_VERIFY = CallbackFormat("iok", ("int",))
ITEM_RETURN = CallbackFormat("irt", ("int",))
ITEM_EVIDENCE = CallbackFormat("ie", ("int",))  # item id: send its photos, documents, notes
# Mentors
MENTEE_PAGE = CallbackFormat("ml", ("int",))  # page
MENTEE_ITEMS = CallbackFormat("me", ("int", "int"))  # enterprise id, page
ITEM_ADD = CallbackFormat("ia", ("int",))  # enterprise id
# Help requests; HELP_VISIT is the hook the visit-booking feature takes over.
HELP_ACK = CallbackFormat("ha", ("int",))
HELP_VISIT = CallbackFormat("hv", ("int",))
HELP_START = CallbackFormat("hs")  # opens /helpme from an answer to a question reporting trouble
# Preferences
LANGUAGE = CallbackFormat("lg", ("word",))
SETTING_TOGGLE = CallbackFormat("st", ("word",))
NOOP = CallbackFormat("nop")

ALL_FORMATS: tuple[CallbackFormat, ...] = (
    FEEDBACK,
    SUGGESTION,
    FORWARD_QUESTION,
    REPLY_QUESTION,
    TOPIC_ROOT,
    TOPIC_CATEGORY,
    TOPIC_SUBCATEGORY,
    TOPIC_ENTRY,
    ITEM_PAGE,
    ITEM_VIEW,
    ITEM_PROGRESS,
    ITEM_DONE,
    ITEM_VERIFY,
    ITEM_RETURN,
    ITEM_EVIDENCE,
    MENTEE_PAGE,
    MENTEE_ITEMS,
    ITEM_ADD,
    HELP_ACK,
    HELP_VISIT,
    HELP_START,
    LANGUAGE,
    SETTING_TOGGLE,
    NOOP,
)

ITEM_ADD_SUBCATEGORY = CallbackFormat("ias", ("word",))  # sub-category id, while adding an item
ALL_FORMATS = (*ALL_FORMATS, ITEM_ADD_SUBCATEGORY)

# Visits (bot/handlers/visit*.py). Pickers carry their choices so far, so a picker message works
# after a restart; times are local wall-clock numbers (day 20260601, start 202606011430);
# purpose and phase are indexes into `bot.handlers.visits.PURPOSES` / `PHASES` (append-only).
VISIT_HAND = CallbackFormat("vh", ("int",))  # small hand id
VISIT_DAY = CallbackFormat("vd", ("int", "int"))  # small hand id, day
VISIT_TIME = CallbackFormat("vt", ("int", "int"))  # small hand id, start
VISIT_PURPOSE = CallbackFormat("vu", ("int", "int", "int"))  # ..., purpose index
VISIT_BOOK = CallbackFormat("vb", ("int", "int", "int", "int"))  # ..., phase index
VISIT_CONFIRM = CallbackFormat("vc", ("int",))  # visit id
VISIT_MOVE = CallbackFormat("vm", ("int",))  # visit id: pick a new day
VISIT_MOVE_DAY = CallbackFormat("vmd", ("int", "int"))  # visit id, day
VISIT_MOVE_TIME = CallbackFormat("vmt", ("int", "int"))  # visit id, start: then the reason
VISIT_CANCEL = CallbackFormat("vx", ("int",))  # visit id: then the reason
VISIT_ICS = CallbackFormat("vi", ("int",))  # visit id
VISIT_OUTCOME = CallbackFormat("vr", ("int",))  # visit id: the after-visit dialogue
VISIT_VERIFIED = CallbackFormat("vv", ("int",))  # item id, toggled in the dialogue
VISIT_ITEMS_DONE = CallbackFormat("vn")
VISIT_FINDING_SUB = CallbackFormat("vfs", ("word",))  # sub-category of a new finding
VISIT_BOOK_ANYWAY = CallbackFormat("vba", ("int", "int", "int", "int"))  # as VISIT_BOOK, warned
ALL_FORMATS = (
    *ALL_FORMATS,
    VISIT_HAND,
    VISIT_DAY,
    VISIT_TIME,
    VISIT_PURPOSE,
    VISIT_BOOK,
    VISIT_CONFIRM,
    VISIT_MOVE,
    VISIT_MOVE_DAY,
    VISIT_MOVE_TIME,
    VISIT_CANCEL,
    VISIT_ICS,
    VISIT_OUTCOME,
    VISIT_VERIFIED,
    VISIT_ITEMS_DONE,
    VISIT_FINDING_SUB,
    VISIT_BOOK_ANYWAY,
)


# The bureau's desk (bot/handlers/broadcast.py, curation.py). BROADCAST_ACK is also what a
# broadcast notice's `Action.acknowledge_broadcast` button becomes (bot.notifier). Audience
# values are ids (round, big hand) or indexes into the lists the picker showed (towns,
# industries, roles, phases).
BROADCAST_ACK = CallbackFormat("ba", ("int",))  # broadcast id: "收到 / Acknowledged"
BROADCAST_FILTER = CallbackFormat("bf", ("word",))  # audience criterion to pick a value for
BROADCAST_VALUE = CallbackFormat("bv", ("word", "int"))  # criterion, value id or index
BROADCAST_PREVIEW = CallbackFormat("bp")
BROADCAST_ACK_TOGGLE = CallbackFormat("bq")
BROADCAST_SEND = CallbackFormat("bs")  # the explicit confirmation: send now
BROADCAST_SCHEDULE = CallbackFormat("bt")  # then the time as text
BROADCAST_STOP = CallbackFormat("bx", ("int",))  # broadcast id: cancel while sending
BROADCAST_REPORT = CallbackFormat("br", ("int",))  # broadcast id: who acknowledged
CURATE_LINK = CallbackFormat("cl", ("int",))  # question id: pick an entry
CURATE_ENTRY = CallbackFormat("ce", ("int", "word"))  # question id, entry ref
CURATE_DRAFT = CallbackFormat("cd", ("int",))  # question id: then the answer as text
CURATE_REVIEWED = CallbackFormat("cr", ("int",))  # question id
ALL_FORMATS = (
    *ALL_FORMATS,
    BROADCAST_ACK,
    BROADCAST_FILTER,
    BROADCAST_VALUE,
    BROADCAST_PREVIEW,
    BROADCAST_ACK_TOGGLE,
    BROADCAST_SEND,
    BROADCAST_SCHEDULE,
    BROADCAST_STOP,
    BROADCAST_REPORT,
    CURATE_LINK,
    CURATE_ENTRY,
    CURATE_DRAFT,
    CURATE_REVIEWED,
)


# Help requests as a workflow (bot/handlers/requests.py, visit_hook.py). REQUEST_VIEW's format is
# also built by `scheduler.help_escalation` for its "open" button: keep the two in step.
REQUEST_VIEW = CallbackFormat("rq", ("int",))  # help request id: open it
REQUEST_CALL = CallbackFormat("rc", ("int",))  # help request id: show the phone to call
REQUEST_CLOSE = CallbackFormat("rx", ("int",))  # help request id: then the outcome as text
REQUEST_SOONEST = CallbackFormat("hf", ("int",))  # help request id: the first free slot
ALL_FORMATS = (*ALL_FORMATS, REQUEST_VIEW, REQUEST_CALL, REQUEST_CLOSE, REQUEST_SOONEST)


def entry_ref(entry_id: str) -> str:
    """A 10-character reference to a knowledge-base entry for callback data.

    Entry ids run to 55 characters and more, too long next to a question id in 64 bytes; the
    reference is a hash of the id, so it stays valid across restarts and knowledge-base edits.
    """
    return hashlib.blake2s(entry_id.encode(), digest_size=5).hexdigest()


def entry_by_ref(entries: Iterable[Entry], ref: object) -> Entry | None:
    """The entry whose `entry_ref` is ``ref``, or None (a stale or forged button)."""
    return next((entry for entry in entries if entry_ref(entry.id) == ref), None)
