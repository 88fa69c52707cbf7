"""The playground server's state: live training sessions and kept uploads, both bounded.

The server changes this state only from its event loop; the slow parts (reading a CSV file, building a
session) are methods that change nothing and run in worker threads.

At most ``limits.max_sessions`` sessions train at once. A new one never waits or fails for lack of room: it
ends the session seen least recently (a page that has gone, or the oldest of the open ones), whose page is told
why. Each session's size is bounded by the limits on points, features and neurons. Uploads are kept by
:class:`~lucidnet.playground.uploads.UploadStore`, bounded by count and by the bytes they hold.
"""

from __future__ import annotations

import dataclasses
import secrets
import time
from collections import OrderedDict
from functools import lru_cache
from typing import Any

import numpy as np

from lucidnet.heads import head_for
from lucidnet.optimizers import OPTIMIZERS
from lucidnet.playground.config import (
    UPLOAD,
    Limits,
    PlaygroundConfig,
    PlaygroundError,
    builtin_datasets,
    hidden_activations,
    losses_for,
    parse_config,
)
from lucidnet.playground.data import builtin_points, upload_points
from lucidnet.playground.features import FEATURES
from lucidnet.playground.session import Session
from lucidnet.playground.uploads import Upload, UploadStore, read_upload

IDLE_SECONDS = 120.0  # a session with no stream and no request for this long ends at the next start
ENDED_KEPT = 64  # why recent sessions ended, for the pages that still ask for them


@lru_cache(maxsize=1)
def previews(n: int = 160) -> dict[str, list[list[float]]]:
    """A few noise-free points of each built-in data set, for the page's data set buttons."""
    from lucidnet.data import datasets

    out = {}
    for name, (task, _) in builtin_datasets().items():
        X, y = datasets.load(name, n=n, seed=0)
        v = np.asarray(y, dtype=np.float64).reshape(len(X), -1)[:, 0]
        if task == "regression":
            v = v / (np.abs(v).max() or 1.0)
        out[name] = np.column_stack([X, v]).round(3).tolist()
    return out


class Playground:
    """Live sessions (at most ``limits.max_sessions``) and uploads kept in memory, within ``limits``."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.sessions: dict[str, Session] = {}
        self.uploads = UploadStore(limits.max_uploads, limits.max_upload_memory)
        self.ended: OrderedDict[str, str] = OrderedDict()

    def options(self) -> dict[str, Any]:
        return {
            "datasets": [{"name": k, "label": v[1], "problem": v[0]} for k, v in builtin_datasets().items()],
            "features": [{"name": f.name, "label": f.label} for f in FEATURES.values()],
            "activations": list(hidden_activations()),
            "losses": {task: list(losses_for(task)) for task in ("classification", "regression")},
            "output_activations": list(hidden_activations()),
            "optimizers": list(OPTIMIZERS),
            # what "auto" is for the built-in sets (two classes, or one value) until a session says (its init)
            "auto_loss": {"classification": head_for("classification", 2).loss.name,
                          "regression": head_for("regression", 1).loss.name},
            "limits": self.limits.to_dict(),
            "defaults": PlaygroundConfig().to_dict(),
            "previews": previews(),
        }

    def parse_upload(self, raw: bytes, filename: str = "") -> Upload:
        """Read a CSV file with lucidnet's reader (the slow part, run in a worker thread by the server; changes
        no state)."""
        return read_upload(raw, filename, self.limits)

    def keep_upload(self, upload: Upload) -> dict[str, Any]:
        """Keep an upload in memory; the answer to ``POST /api/upload``."""
        key = self.uploads.add(upload)
        return {"upload": key, "filename": upload.filename, **upload.describe()}

    def session(self, sid: str) -> Session:
        s = self.sessions.get(sid)
        if s is None:
            why = self.ended.get(sid, "it ended or the server restarted")
            raise PlaygroundError(f"no session {sid!r}: {why}; press reset to start again", 404)
        s.last_seen = time.monotonic()
        return s

    def close(self, sid: str, reason: str = "") -> bool:
        """End session ``sid`` (its stream says ``reason`` to the page); False when there is none."""
        s = self.sessions.pop(sid, None)
        if s is None:
            return False
        if reason:
            self.ended[sid] = reason
            while len(self.ended) > ENDED_KEPT:
                self.ended.popitem(last=False)
        s.closed = True
        s.playing = False
        s.end_reason = reason
        if s.wake is not None:
            s.wake.set()
        return True

    def _make_room(self) -> None:
        """End idle sessions, then the least recently seen ones, until a new session fits."""
        now = time.monotonic()
        for sid, s in list(self.sessions.items()):
            if s.streams == 0 and now - s.last_seen > IDLE_SECONDS:
                self.close(sid, "its page was gone for two minutes")
        while self.sessions and len(self.sessions) >= self.limits.max_sessions:
            sid = min(self.sessions, key=lambda k: self.sessions[k].last_seen)
            self.close(
                sid,
                f"another playground page started a training (at most {self.limits.max_sessions} run at once) "
                "and this one had been used least recently",
            )

    def configure(self, data: Any) -> tuple[PlaygroundConfig, Upload | None]:
        """The validated configuration and, for ``dataset: "upload"``, the upload it trains on (404 if gone)."""
        config = parse_config(data, self.limits)
        if config.dataset != UPLOAD:
            return config, None
        upload = self.uploads.get(config.upload)
        if upload is None:
            raise PlaygroundError(f"no upload {config.upload!r}; upload the CSV file again", 404)
        return config, upload

    def build(self, config: PlaygroundConfig, upload: Upload | None = None) -> Session:
        """The session a configuration describes: its points and network (run in a worker thread; changes no
        state)."""
        points = builtin_points(config) if upload is None else upload_points(config, upload, self.limits)
        if config.batch_size > len(points.p_train):
            config = dataclasses.replace(config, batch_size=len(points.p_train))
        try:
            session = Session(config, points)
        except PlaygroundError:
            raise
        except (ValueError, TypeError, KeyError) as e:  # a configuration the engine refuses
            raise PlaygroundError(f"the engine refused this configuration: {e}") from None
        session.upload_name = upload.filename if upload is not None else ""
        return session

    def admit(self, session: Session, replace: Any = None) -> str:
        """Add a built session, ending session ``replace`` (the page's previous one) and making room."""
        if isinstance(replace, str):
            self.close(replace)
        self._make_room()
        sid = secrets.token_urlsafe(12)
        self.sessions[sid] = session
        return sid

    def start(self, data: Any) -> tuple[str, Session]:
        """:meth:`configure`, :meth:`build` and :meth:`admit` in one call; ``data["replace"]`` ends a session."""
        session = self.build(*self.configure(data))
        return self.admit(session, data.get("replace")), session

    def __repr__(self) -> str:
        return f"Playground({len(self.sessions)} of {self.limits.max_sessions} sessions, {self.uploads!r})"
