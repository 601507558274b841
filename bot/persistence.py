"""Dialogues survive a restart: PTB's persistence, backed by the programme's database.

`DatabasePersistence` stores what a person is in the middle of — the state of each
`ConversationHandler` (all built by `bot.conversations.conversation`, persistent and named) and
their drafts (``user_data``, plain JSON) — in ``conversation_states`` and
``conversation_user_data``. ``bot_data`` holds the services and is not stored, nor is
``chat_data`` (unused: the bot talks in private chats only).

PTB writes to a persistence every ``update_interval`` seconds; `save_now` runs after every update
(`bot.app` registers it last), so a bot killed between two updates loses nothing.

A dialogue older than its timeout (`bot.conversations.TIMEOUT`) when the bot starts is not
continued: it is remembered in `expired` and the person hears, at their next message, that it
must start again (`bot.conversations.tell_expired`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from telegram.ext import BasePersistence, PersistenceInput

from storage.repositories import conversations as repo

if TYPE_CHECKING:
    from bot.services import Services

__all__ = ["DatabasePersistence"]

log = logging.getLogger(__name__)

_UserData = dict[Any, Any]
ConversationKey = tuple[int | str, ...]  # as PTB builds them: (chat_id, user_id) here
ConversationDict = dict[ConversationKey, object]


class DatabasePersistence(BasePersistence[_UserData, _UserData, Any]):
    """Conversation states and ``user_data`` in the database, as JSON.

    Args:
        services: the process's services; the database is opened through them (PTB reads the
            persistence in ``Application.initialize``, before ``post_init``).
        timeout: how long a dialogue may wait for the person (older ones are not continued).
        update_interval: PTB's periodic write, a backstop for `save_now`.
    """

    def __init__(
        self, services: Services, timeout: timedelta, *, update_interval: float = 60
    ) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=update_interval,
        )
        self.services = services
        self.timeout = timeout
        # Dialogues found too old at start-up, by conversation key: the conversation's name.
        self.expired: dict[ConversationKey, str] = {}
        # What is stored for each person (JSON; absent means none): every update asks to save
        # the drafts, and most change nothing, so only a change costs a write.
        self._stored: dict[int, str] = {}

    @property
    def _clock(self) -> Callable[[], datetime]:
        return self.services.clock

    async def _open(self) -> None:
        if self.services.session_factory is None:
            await self.services.open()

    # --- reading, once at start-up ------------------------------------------------------------

    async def get_conversations(self, name: str) -> ConversationDict:
        await self._open()
        async with self.services.unit_of_work() as session:
            rows = await repo.load_states(session=session, name=name)
        oldest = self._clock() - self.timeout
        live: ConversationDict = {}
        for row in rows:
            key = tuple(json.loads(row.key))
            if row.updated_at <= oldest:
                self.expired[key] = name
            else:
                live[key] = json.loads(row.state)
        log.info("conversation %s: %d restored, %d expired", name, len(live), len(rows) - len(live))
        return live

    async def get_user_data(self) -> dict[int, _UserData]:
        await self._open()
        async with self.services.unit_of_work() as session:
            rows = await repo.load_user_data(session=session)
        self._stored = {row.user_id: row.data for row in rows}
        return {row.user_id: json.loads(row.data) for row in rows}

    async def get_chat_data(self) -> dict[int, _UserData]:
        return {}

    async def get_bot_data(self) -> Any:
        return None

    async def get_callback_data(self) -> None:
        return None

    # --- writing, after every update ----------------------------------------------------------

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        stored_key = json.dumps(list(key))
        async with self.services.unit_of_work() as session:
            if new_state is None:
                await repo.delete_state(session=session, name=name, key=stored_key)
            else:
                await repo.save_state(
                    session=session,
                    name=name,
                    key=stored_key,
                    state=json.dumps(new_state),
                    now=self._clock(),
                )

    async def forget_conversation(self, name: str, key: ConversationKey) -> None:
        """Drop a stored dialogue that was not continued (see `expired`)."""
        await self.update_conversation(name, key, None)

    async def update_user_data(self, user_id: int, data: _UserData) -> None:
        try:
            stored = json.dumps(data)
        except TypeError:
            log.exception("user %s: drafts are not JSON, not stored", user_id)
            return
        if self._stored.get(user_id, "{}") == (stored if data else "{}"):
            return
        async with self.services.unit_of_work() as session:
            if data:
                await repo.save_user_data(
                    session=session, user_id=user_id, data=stored, now=self._clock()
                )
            else:
                await repo.delete_user_data(session=session, user_id=user_id)
        if data:
            self._stored[user_id] = stored
        else:
            self._stored.pop(user_id, None)

    async def drop_user_data(self, user_id: int) -> None:
        async with self.services.unit_of_work() as session:
            await repo.delete_user_data(session=session, user_id=user_id)
        self._stored.pop(user_id, None)

    async def update_chat_data(self, chat_id: int, data: _UserData) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def update_bot_data(self, data: Any) -> None:
        return None

    async def update_callback_data(self, data: Any) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: _UserData) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: _UserData) -> None:
        return None

    async def refresh_bot_data(self, bot_data: Any) -> None:
        return None

    async def flush(self) -> None:
        return None
