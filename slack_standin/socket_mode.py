"""A local stand-in for Slack's Socket Mode: the WebSocket server behind apps.connections.open.

It speaks RFC 6455 over plain TCP (``ws://``) with the standard library only, so a test controls
every byte: it sends ``hello`` on connecting and envelopes (``slash_commands``, ``interactive``,
``events_api``) shaped as Slack sends them, records each ack with its timing, and can drop a
connection in each way a real network does: a TCP close with no close frame, a close frame, a
reset, or Slack's own ``disconnect`` message asking the client to reconnect.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import itertools
import json
import selectors
import socket
import struct
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

APP_ID = "A0SENDBOT"
LINK_PATH = "/link/"
# RFC 6455 §1.3: the server proves it read the handshake by hashing the key with this GUID.
WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
# Slack says a connection lives for hours; hello reports it as approximate_connection_time.
CONNECTION_SECONDS = 3600

EnvelopeType = Literal["slash_commands", "interactive", "events_api"]
Cut = Literal["fin", "close_frame", "reset"]
Drop = Literal["fin", "close_frame", "reset", "refresh"]


@dataclass
class Ack:
    """The bot's answer to one envelope."""

    envelope_id: str
    payload: dict | None  # the optional response payload (e.g. a modal's inline errors)
    seconds: float  # from the envelope leaving the stand-in to its ack arriving
    connection: int  # which connection carried the ack


@dataclass
class _Envelope:
    envelope_id: str
    message: dict
    queued_at: float
    sent_at: float | None = None
    connection: int | None = None


@dataclass
class _Connection:
    number: int
    sock: socket.socket
    wake: socket.socket  # the stand-in writes a byte here to hand the reader a command
    wake_in: socket.socket
    send_lock: threading.Lock = field(default_factory=threading.Lock)
    commands: list[Cut] = field(default_factory=list)
    open: bool = True
    draining: bool = False  # told to reconnect: Slack sends it nothing new


class SocketModeStandIn:
    """Slack's Socket Mode side. ``open_url()`` is what apps.connections.open hands out."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, app_id: str = APP_ID) -> None:
        self.host = host
        self.port = port
        self.app_id = app_id
        self.acks: list[Ack] = []
        self._cond = threading.Condition()
        self._tickets: set[str] = set()
        self._connections: list[_Connection] = []
        self._numbers = itertools.count(1)
        self._pending: dict[str, _Envelope] = {}
        self._outbox: list[_Envelope] = []  # waiting for an open connection
        self._listener: socket.socket | None = None
        self._stopping = False

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> SocketModeStandIn:
        if self._listener is not None:
            return self
        listener = socket.create_server((self.host, self.port))
        self._listener = listener
        self._stopping = False
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            listener, self._listener = self._listener, None
            connections = list(self._connections)
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        for connection in connections:
            self._command(connection, "fin")

    @property
    def started(self) -> bool:
        return self._listener is not None

    def open_url(self) -> str:
        """A fresh one-time WebSocket URL, as apps.connections.open returns."""
        self.start()
        ticket = uuid.uuid4().hex
        with self._cond:
            self._tickets.add(ticket)
            port = self._listener.getsockname()[1] if self._listener else self.port
        return f"ws://{self.host}:{port}{LINK_PATH}?ticket={ticket}&app_id={self.app_id}"

    def reset(self) -> None:
        """Forget acks and undelivered envelopes; connections stay as they are."""
        with self._cond:
            self.acks.clear()
            self._pending.clear()
            self._outbox.clear()

    # -- inspection ------------------------------------------------------------------------

    @property
    def connections_opened(self) -> int:
        with self._cond:
            return len(self._connections)

    def open_connections(self) -> int:
        with self._cond:
            return sum(1 for c in self._connections if c.open and not c.draining)

    def wait_connected(self, count: int = 1, timeout: float = 10.0) -> None:
        """Block until `count` connections have been opened in all (each greeted by hello)."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._connections) >= count, timeout):
                raise TimeoutError(
                    f"waited {timeout}s for connection {count}, "
                    f"{len(self._connections)} opened so far"
                )

    # -- sending ---------------------------------------------------------------------------

    def send(
        self,
        kind: EnvelopeType,
        payload: dict,
        *,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> str:
        """Queue an envelope for the newest open connection (sent at once if there is one)."""
        envelope_id = str(uuid.uuid4())
        message: dict[str, Any] = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": kind,
            # Slack lets commands and interactions answer in the ack; events never.
            "accepts_response_payload": kind != "events_api",
        }
        if kind == "events_api":
            # Slack marks every event delivery, first ones included (retry_attempt 0).
            message["retry_attempt"] = retry_attempt
            message["retry_reason"] = retry_reason
        envelope = _Envelope(envelope_id, message, time.monotonic())
        with self._cond:
            self._pending[envelope_id] = envelope
            self._outbox.append(envelope)
        self._flush()
        return envelope_id

    def wait_ack(self, envelope_id: str, timeout: float = 10.0) -> Ack:
        with self._cond:
            found = self._cond.wait_for(lambda: self._ack_for(envelope_id), timeout)
            if found:
                return found
        raise TimeoutError(f"no ack for envelope {envelope_id} within {timeout}s")

    def request(self, kind: EnvelopeType, payload: dict, timeout: float = 10.0, **retry) -> Ack:
        """Send an envelope and wait for its ack."""
        return self.wait_ack(self.send(kind, payload, **retry), timeout)

    def queued_seconds(self, envelope_id: str) -> float:
        """From queueing the envelope to its ack: how long Slack would have waited."""
        with self._cond:
            envelope = self._pending.get(envelope_id)
            ack = self._ack_for(envelope_id)
        if envelope is None or ack is None or envelope.sent_at is None:
            raise KeyError(envelope_id)
        return envelope.sent_at - envelope.queued_at + ack.seconds

    # -- dropping connections --------------------------------------------------------------

    def cut(self, how: Cut) -> None:
        """Drop every open connection: `fin` (TCP close, no close frame), `close_frame`, or
        `reset` (TCP RST). The client is expected to ask apps.connections.open again."""
        with self._cond:
            connections = [c for c in self._connections if c.open]
            for connection in connections:
                connection.draining = True  # from now on, envelopes wait for a new connection
        for connection in connections:
            self._command(connection, how)

    def refresh(self, reason: str = "refresh_requested") -> None:
        """Send Slack's ``disconnect`` message; new envelopes wait for the next connection.
        The old connection stays open until the client closes it, as Slack's does for a while."""
        with self._cond:
            connections = [c for c in self._connections if c.open and not c.draining]
            for connection in connections:
                connection.draining = True
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "standin"}}
        for connection in connections:
            self._send_text(connection, json.dumps(message))

    def drop(self, kind: Drop) -> None:
        """Lose the connection in one of the ways Slack's can be lost: a cut or a refresh."""
        if kind == "refresh":
            self.refresh()
        else:
            self.cut(kind)

    # -- internals -------------------------------------------------------------------------

    def _ack_for(self, envelope_id: str) -> Ack | None:
        return next((ack for ack in self.acks if ack.envelope_id == envelope_id), None)

    def _flush(self) -> None:
        """Send what waits in the outbox to the newest connection that takes envelopes."""
        with self._cond:
            live = [c for c in self._connections if c.open and not c.draining]
            if not live or not self._outbox:
                return
            target = live[-1]
            batch, self._outbox = self._outbox, []
            for envelope in batch:
                envelope.sent_at = time.monotonic()
                envelope.connection = target.number
        for envelope in batch:
            self._send_text(target, json.dumps(envelope.message))

    def _command(self, connection: _Connection, command: Cut) -> None:
        # The reader thread owns the socket: closing it from here would not wake its select(),
        # and on Linux a socket closed under a blocked reader sends neither FIN nor RST.
        with self._cond:
            connection.commands.append(command)
        with contextlib.suppress(OSError):
            connection.wake.send(b"!")

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                sock, _ = listener.accept()
            except OSError:
                return  # stop() closed the listener
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        try:
            ok = self._handshake(sock)
        except OSError:
            ok = False
        if not ok:
            _close(sock)
            return
        wake, wake_in = socket.socketpair()
        with self._cond:
            connection = _Connection(next(self._numbers), sock, wake, wake_in)
            self._connections.append(connection)
            count = sum(1 for c in self._connections if c.open and not c.draining)
        hello = {
            "type": "hello",
            "num_connections": count,
            "debug_info": {
                "host": "applink-standin",
                "build_number": 1,
                "approximate_connection_time": CONNECTION_SECONDS,
            },
            "connection_info": {"app_id": self.app_id},
        }
        self._send_text(connection, json.dumps(hello))
        with self._cond:
            self._cond.notify_all()
        self._flush()
        try:
            self._read_loop(connection)
        finally:
            with self._cond:
                connection.open = False
                self._cond.notify_all()
            wake.close()
            wake_in.close()

    def _handshake(self, sock: socket.socket) -> bool:
        request = b""
        sock.settimeout(5)
        while b"\r\n\r\n" not in request:
            chunk = sock.recv(4096)
            if not chunk:
                return False
            request += chunk
        sock.settimeout(None)
        head = request.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        parts = head[0].split(" ")
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in head[1:])
        }
        target = urlsplit(parts[1] if len(parts) > 1 else "")
        ticket = parse_qs(target.query).get("ticket", [""])[0]
        with self._cond:
            valid = target.path == LINK_PATH and ticket in self._tickets and not self._stopping
            self._tickets.discard(ticket)  # a ticket is good for one connection, as Slack's
        key = headers.get("sec-websocket-key")
        if not valid or not key or headers.get("upgrade", "").lower() != "websocket":
            sock.sendall(b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n")
            return False
        accept = base64.b64encode(hashlib.sha1((key + WEBSOCKET_GUID).encode()).digest())
        sock.sendall(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n"
        )
        return True

    def _read_loop(self, connection: _Connection) -> None:
        reader = _FrameReader(connection.sock)
        with selectors.DefaultSelector() as selector:
            selector.register(connection.sock, selectors.EVENT_READ, "socket")
            selector.register(connection.wake_in, selectors.EVENT_READ, "wake")
            while True:
                for key, _ in selector.select():
                    if key.data == "wake":
                        connection.wake_in.recv(64)
                        with self._cond:
                            commands, connection.commands = connection.commands, []
                        if commands:
                            self._drop(connection, commands[0])
                            return
                    else:
                        frames = reader.read()
                        if frames is None:  # the client went away
                            _close(connection.sock)
                            return
                        for opcode, data in frames:
                            if not self._on_frame(connection, opcode, data):
                                return

    def _on_frame(self, connection: _Connection, opcode: int, data: bytes) -> bool:
        if opcode == OP_TEXT:
            self._on_text(connection, data.decode("utf-8", errors="replace"))
        elif opcode == OP_PING:
            self._send_frame(connection, OP_PONG, data)
        elif opcode == OP_CLOSE:
            # Echo the close, then close the TCP connection: the server closes first (§7.1.1).
            self._send_frame(connection, OP_CLOSE, data[:2])
            _close(connection.sock)
            return False
        return True

    def _on_text(self, connection: _Connection, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            return
        envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
        if not isinstance(envelope_id, str):
            return
        now = time.monotonic()
        with self._cond:
            envelope = self._pending.get(envelope_id)
            sent_at = envelope.sent_at if envelope and envelope.sent_at else now
            payload = message.get("payload")
            self.acks.append(
                Ack(envelope_id, payload if payload else None, now - sent_at, connection.number)
            )
            self._cond.notify_all()

    def _drop(self, connection: _Connection, how: Cut) -> None:
        sock = connection.sock
        match how:
            case "fin":
                _close(sock)
            case "close_frame":
                # 1001 "going away", as a server restarting would send; then wait briefly for
                # the client's close before closing the TCP connection ourselves.
                self._send_frame(connection, OP_CLOSE, struct.pack("!H", 1001) + b"going away")
                sock.settimeout(2)
                with contextlib.suppress(OSError):
                    while sock.recv(4096):
                        pass
                _close(sock)
            case "reset":
                # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.close()

    def _send_text(self, connection: _Connection, text: str) -> None:
        self._send_frame(connection, OP_TEXT, text.encode())

    def _send_frame(self, connection: _Connection, opcode: int, data: bytes) -> None:
        with connection.send_lock, contextlib.suppress(OSError):
            connection.sock.sendall(_frame(opcode, data))


class _FrameReader:
    """Reads the client's masked frames, joining fragmented messages."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""
        self.fragments: list[bytes] = []
        self.fragment_opcode = OP_TEXT

    def read(self) -> list[tuple[int, bytes]] | None:
        """The complete frames now readable; None when the peer closed or reset."""
        try:
            chunk = self.sock.recv(65536)
        except OSError:
            return None
        if not chunk:
            return None
        self.buffer += chunk
        frames = []
        while (frame := self._next()) is not None:
            frames.append(frame)
        return frames

    def _next(self) -> tuple[int, bytes] | None:
        while True:
            parsed = _parse(self.buffer)
            if parsed is None:
                return None
            fin, opcode, data, used = parsed
            self.buffer = self.buffer[used:]
            if opcode >= OP_CLOSE:  # control frames may come between fragments
                return opcode, data
            if opcode != OP_CONT:
                self.fragment_opcode = opcode
            self.fragments.append(data)
            if fin:
                whole, self.fragments = b"".join(self.fragments), []
                return self.fragment_opcode, whole


def _parse(buffer: bytes) -> tuple[bool, int, bytes, int] | None:
    if len(buffer) < 2:
        return None
    fin, opcode = bool(buffer[0] & 0x80), buffer[0] & 0x0F
    masked, length = bool(buffer[1] & 0x80), buffer[1] & 0x7F
    offset = 2
    if length == 126:
        if len(buffer) < 4:
            return None
        (length,) = struct.unpack("!H", buffer[2:4])
        offset = 4
    elif length == 127:
        if len(buffer) < 10:
            return None
        (length,) = struct.unpack("!Q", buffer[2:10])
        offset = 10
    mask = b""
    if masked:
        if len(buffer) < offset + 4:
            return None
        mask = buffer[offset : offset + 4]
        offset += 4
    if len(buffer) < offset + length:
        return None
    data = buffer[offset : offset + length]
    if masked:
        data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
    return fin, opcode, data, offset + length


def _frame(opcode: int, data: bytes) -> bytes:
    """A single unmasked frame: servers never mask (RFC 6455 §5.1)."""
    head = bytes([0x80 | opcode])
    if len(data) < 126:
        head += bytes([len(data)])
    elif len(data) < 1 << 16:
        head += bytes([126]) + struct.pack("!H", len(data))
    else:
        head += bytes([127]) + struct.pack("!Q", len(data))
    return head + data


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
