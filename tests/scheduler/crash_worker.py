"""A broadcast worker run as its own process, so a test can kill it mid-broadcast (SIGKILL).

    python -m tests.scheduler.crash_worker DATABASE_URL LOG_FILE RATE

Every send appends the person id to LOG_FILE (flushed at once: what was "sent" survives the kill).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from scheduler.notifier import Notice, Recipient, SendResult, SendStatus
from scheduler.outbox import Outbox, OutboxConfig
from storage.db import create_engine, make_session_factory


class FileNotifier:
    """Writes one line per send to a file, unbuffered."""

    def __init__(self, path: Path) -> None:
        self.file = path.open("a", buffering=1, encoding="utf-8")

    async def send(self, recipient: Recipient, notice: Notice) -> SendResult:
        self.file.write(f"{recipient.person_id}\n")
        return SendResult(SendStatus.sent, message_id=1)


async def main(url: str, log: Path, rate: float) -> None:
    engine = create_engine(url)
    config = OutboxConfig(rate=rate, per_chat_interval=0, max_in_flight=10, flush_interval=0.05)
    try:
        await Outbox(make_session_factory(engine), FileNotifier(log), config=config).run(
            until_idle=True
        )
    finally:
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])))
