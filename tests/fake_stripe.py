"""A local fake of the parts of Stripe the market uses, for the real stripe SDK.

An HTTP server on 127.0.0.1 (random port) answers what `market.payments.stripe`
sends: Checkout Sessions (create, retrieve, expire) and refunds, form-encoded as
the SDK encodes them, with Stripe's idempotency rules (same key and same
parameters: the first answer again; same key, other parameters: an error). It
records every request so tests can check parameters and keys.

It also serves a bare "hosted checkout page" at /pay/<session id>: pressing
"Pay" completes the session and sends a signed `checkout.session.completed`
event to `webhook_url`, then redirects to the session's success URL, as Stripe
does. `event()` and `sign()` build events and `Stripe-Signature` headers with
Stripe's scheme (HMAC-SHA256 of "<timestamp>.<payload>"), written here from the
documentation rather than borrowed from the SDK, so the SDK's verification is
checked against an independent signer.
"""

import hashlib
import hmac
import html
import json
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest

API_VERSION = "2025-09-30.clover"
# What this fake, like Stripe, accepts as one VND charge.
MIN_AMOUNT_VND = 13000
MAX_AMOUNT_VND = 99999999


@dataclass
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    params: dict
    headers: dict
    idempotency_key: str | None
    status: int = 0
    replayed: bool = False


@dataclass
class Delivery:
    """One webhook the fake sent, and what the receiver answered."""

    event: dict
    status: int
    body: str = ""


class StripeFailure(Exception):
    def __init__(self, status: int, code: str, message: str, param: str = ""):
        self.status = status
        self.body = {
            "error": {
                "type": "idempotency_error"
                if code == "idempotency_key_in_use"
                else "invalid_request_error",
                "code": code,
                "message": message,
                **({"param": param} if param else {}),
            }
        }
        super().__init__(message)


def decode_form(body: str) -> dict:
    """Rebuild nested params from Stripe's form encoding (`a[b][0][c]=v`)."""
    root: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node):
    if not isinstance(node, dict):
        return node
    node = {k: _lists(v) for k, v in node.items()}
    if node and all(k.isdigit() for k in node):
        return [node[k] for k in sorted(node, key=int)]
    return node


def _int(value, param: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise StripeFailure(
            400, "parameter_invalid_integer", f"Invalid integer: {value}", param
        ) from None


def sign(payload: str | bytes, secret: str, timestamp: int | None = None) -> str:
    """A `Stripe-Signature` header for `payload`, as Stripe computes it."""
    if isinstance(payload, bytes):
        payload = payload.decode()
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(
        secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={digest}"


def event(type: str, obj: dict, *, created: int | None = None, id=None) -> dict:
    """A Stripe event of `type` about `obj` (a copy of it, as Stripe sends)."""
    return {
        "id": id or f"evt_{secrets.token_hex(12)}",
        "object": "event",
        "api_version": API_VERSION,
        "created": int(time.time()) if created is None else created,
        "data": {"object": json.loads(json.dumps(obj))},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": type,
    }


def encode(evt: dict) -> str:
    return json.dumps(evt, separators=(",", ":"), ensure_ascii=False)


@dataclass
class FakeStripe:
    api_key: str
    webhook_secret: str
    webhook_url: str | None = None
    requests: list[Recorded] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    sessions: dict = field(default_factory=dict)
    line_items: dict = field(default_factory=dict)
    charges: dict = field(default_factory=dict)
    refunds: dict = field(default_factory=dict)
    events: list = field(default_factory=list)
    intent_metadata: dict = field(default_factory=dict)

    def __post_init__(self):
        self._lock = threading.RLock()
        self._idempotent: dict[str, tuple[str, dict, int, dict]] = {}
        self._lose_responses = 0
        self._server = None

    # -- running ---------------------------------------------------------------

    def start(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
        ).start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- what tests look at ----------------------------------------------------

    def calls(self, method: str = "POST", path: str = "") -> list[Recorded]:
        """Requests received with `method` whose path starts with `path`."""
        with self._lock:
            return [
                r
                for r in self.requests
                if r.method == method and r.path.startswith(path)
            ]

    def lose_next_responses(self, count: int = 1):
        """Do the next `count` API requests, then answer 500 as if the reply
        was lost on the way (the SDK retries with the same idempotency key)."""
        with self._lock:
            self._lose_responses = count

    # -- what happens at Stripe's end --------------------------------------------

    def pay(self, session_id: str, *, payment_status="paid", deliver=True) -> dict:
        """The buyer pays: complete the session and report it by webhook."""
        with self._lock:
            session = self.sessions[session_id]
            if session["status"] != "open":
                raise StripeFailure(400, "checkout_session_not_open", "Not open")
            intent = f"pi_{secrets.token_hex(12)}"
            charge = {
                "id": f"ch_{secrets.token_hex(12)}",
                "object": "charge",
                "amount": session["amount_total"],
                "amount_captured": session["amount_total"],
                "amount_refunded": 0,
                "currency": session["currency"],
                "paid": True,
                "refunded": False,
                "payment_intent": intent,
                "metadata": dict(self.intent_metadata.get(session_id) or {}),
                "status": "succeeded",
                "refunds": {"object": "list", "data": []},
            }
            self.charges[intent] = charge
            session.update(
                status="complete", payment_status=payment_status, payment_intent=intent
            )
            evt = self.record_event("checkout.session.completed", session)
        if deliver:
            self.deliver(evt)
        return evt

    def async_result(self, session_id: str, *, succeeded: bool, deliver=True):
        """A delayed payment method (e.g. a bank debit) settles or fails."""
        with self._lock:
            session = self.sessions[session_id]
            session["payment_status"] = "paid" if succeeded else "unpaid"
            kind = "succeeded" if succeeded else "failed"
            evt = self.record_event(f"checkout.session.async_payment_{kind}", session)
        if deliver:
            self.deliver(evt)
        return evt

    def expire(self, session_id: str, *, deliver=True) -> dict:
        """The session's time runs out."""
        with self._lock:
            session = self.sessions[session_id]
            if session["status"] == "open":
                session["status"] = "expired"
            evt = self.record_event("checkout.session.expired", session)
        if deliver:
            self.deliver(evt)
        return evt

    def last_event(self, type: str) -> dict:
        with self._lock:
            return [e for e in self.events if e["type"] == type][-1]

    def record_event(self, type: str, obj: dict) -> dict:
        evt = event(type, obj)
        with self._lock:
            self.events.append(evt)
        return evt

    def deliver(self, evt: dict, url: str | None = None) -> Delivery | None:
        """POST a signed event to the webhook URL, as Stripe does."""
        url = url or self.webhook_url
        if not url:
            return None
        payload = encode(evt).encode()
        request = urllib.request.Request(
            url,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": sign(payload, self.webhook_secret),
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                delivery = Delivery(evt, response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            delivery = Delivery(evt, error.code, error.read().decode())
        with self._lock:
            self.deliveries.append(delivery)
        return delivery

    # -- the API -----------------------------------------------------------------

    def handle(self, method: str, path: str, params: dict, headers: dict):
        """Answer one API request: (status, body, replayed).

        One request at a time, so two racing requests with the same key get
        one answer, as Stripe gives (Stripe answers 409 to the second while
        the first runs; the SDK retries it and gets the replay).
        """
        with self._lock:
            return self._handle(method, path, params, headers)

    def _handle(self, method: str, path: str, params: dict, headers: dict):
        if headers.get("authorization") != f"Bearer {self.api_key}":
            raise StripeFailure(401, "api_key_invalid", "Invalid API Key provided")
        key = headers.get("idempotency-key")
        if method == "POST" and key:
            with self._lock:
                seen = self._idempotent.get(key)
            if seen is not None:
                seen_path, seen_params, status, body = seen
                if (seen_path, seen_params) != (path, params):
                    raise StripeFailure(
                        400,
                        "idempotency_key_in_use",
                        "Keys for idempotent requests can only be used with the "
                        "same parameters they were first used with.",
                    )
                return status, body, True
        try:
            status, body = 200, self._route(method, path, params)
        except StripeFailure as failure:
            status, body = failure.status, failure.body
        if method == "POST" and key and status < 500:
            with self._lock:
                self._idempotent[key] = (path, params, status, body)
        return status, body, False

    def _route(self, method: str, path: str, params: dict) -> dict:
        if method == "POST" and path == "/v1/checkout/sessions":
            return self._create_session(params)
        match = re.fullmatch(r"/v1/checkout/sessions/([^/]+)(/expire)?", path)
        if match:
            session = self.sessions.get(match[1])
            if session is None:
                raise StripeFailure(
                    404, "resource_missing", f"No such checkout.session: {match[1]}"
                )
            if match[2] and method == "POST":
                return self._expire_session(session)
            if not match[2] and method == "GET":
                return session
        if method == "POST" and path == "/v1/refunds":
            return self._create_refund(params)
        raise StripeFailure(404, "resource_missing", f"Unrecognized: {method} {path}")

    def _create_session(self, params: dict) -> dict:
        if params.get("mode") != "payment":
            raise StripeFailure(400, "parameter_invalid", "mode", "mode")
        if params.get("currency", "vnd") != "vnd":
            raise StripeFailure(400, "parameter_invalid", "currency", "currency")
        items = params.get("line_items")
        if not isinstance(items, list) or not 1 <= len(items) <= 100:
            raise StripeFailure(400, "parameter_missing", "line_items", "line_items")
        total = 0
        for n, item in enumerate(items):
            price = item.get("price_data") or {}
            if price.get("currency") != "vnd":
                raise StripeFailure(
                    400,
                    "parameter_invalid",
                    "Only vnd in this fake",
                    f"line_items[{n}][price_data][currency]",
                )
            amount = _int(price.get("unit_amount"), "unit_amount")
            quantity = _int(item.get("quantity"), "quantity")
            if (
                amount < 0
                or quantity < 1
                or not price.get("product_data", {}).get("name")
            ):
                raise StripeFailure(400, "parameter_invalid", "line item", f"{n}")
            total += amount * quantity
        if not MIN_AMOUNT_VND <= total <= MAX_AMOUNT_VND:
            raise StripeFailure(
                400,
                "amount_too_small" if total < MIN_AMOUNT_VND else "amount_too_large",
                f"Amount {total} vnd outside what Stripe accepts",
            )
        now = int(time.time())
        expires_at = _int(params.get("expires_at", now + 86400), "expires_at")
        if not now + 1800 <= expires_at <= now + 86400:
            raise StripeFailure(
                400,
                "parameter_invalid",
                "The `expires_at` timestamp must be between 30 minutes and 24 "
                "hours after Checkout Session creation.",
                "expires_at",
            )
        for name in ("success_url", "cancel_url"):
            if not str(params.get(name, "")).startswith(("http://", "https://")):
                raise StripeFailure(400, "url_invalid", name, name)
        session_id = f"cs_test_{secrets.token_hex(16)}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": total,
            "amount_total": total,
            "cancel_url": params["cancel_url"],
            "client_reference_id": params.get("client_reference_id"),
            "created": now,
            "currency": "vnd",
            "customer_email": params.get("customer_email"),
            "expires_at": expires_at,
            "livemode": False,
            "metadata": params.get("metadata") or {},
            "mode": "payment",
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": params["success_url"],
            "url": f"{self.base_url}/pay/{session_id}",
        }
        with self._lock:
            self.sessions[session_id] = session
            self.line_items[session_id] = items
            self.intent_metadata[session_id] = (
                params.get("payment_intent_data") or {}
            ).get("metadata") or {}
        return session

    def _expire_session(self, session: dict) -> dict:
        with self._lock:
            if session["status"] != "open":
                raise StripeFailure(
                    400,
                    "checkout_session_not_open",
                    'Only Checkout Sessions with a status in ["open"] can be '
                    f"expired. This session has a status of {session['status']}.",
                )
            session["status"] = "expired"
            # Stripe reports it too; tests deliver it when they choose.
            self.record_event("checkout.session.expired", session)
        return session

    def _create_refund(self, params: dict) -> dict:
        intent = params.get("payment_intent")
        with self._lock:
            charge = self.charges.get(intent)
            if charge is None:
                raise StripeFailure(
                    404, "resource_missing", f"No such payment_intent: '{intent}'"
                )
            left = charge["amount"] - charge["amount_refunded"]
            amount = _int(params.get("amount", left), "amount")
            if amount < 1 or amount > left:
                raise StripeFailure(
                    400,
                    "charge_already_refunded" if left == 0 else "amount_too_large",
                    f"Refund amount ({amount}) is greater than unrefunded amount "
                    f"on charge ({left})",
                    "amount",
                )
            refund = {
                "id": f"re_{secrets.token_hex(12)}",
                "object": "refund",
                "amount": amount,
                "charge": charge["id"],
                "currency": charge["currency"],
                "metadata": params.get("metadata") or {},
                "payment_intent": intent,
                "status": "succeeded",
            }
            self.refunds[refund["id"]] = refund
            charge["amount_refunded"] += amount
            charge["refunded"] = charge["amount_refunded"] == charge["amount"]
            charge["refunds"]["data"].append(refund)
            self.record_event("charge.refunded", charge)
        return refund

    def take_lost_response(self) -> bool:
        with self._lock:
            if self._lose_responses:
                self._lose_responses -= 1
                return True
            return False


PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Fake Stripe Checkout</title></head><body>
<h1>Fake Stripe Checkout</h1>
<p class="amount">{amount} {currency}</p><p class="email">{email}</p>
<ul>{items}</ul>
<form method="post" action="/pay/{id}"><button type="submit">Pay</button></form>
<p><a href="{cancel}">Cancel</a></p>
</body></html>"""


def _handler_for(fake: FakeStripe):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

        def _send(self, status: int, body: str, content_type="application/json", **h):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", f"req_{secrets.token_hex(8)}")
            for name, value in h.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(data)

        def _api(self, method: str):
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else url.query
            params = decode_form(raw)
            headers = {k.lower(): v for k, v in self.headers.items()}
            record = Recorded(
                method, url.path, params, headers, headers.get("idempotency-key")
            )
            with fake._lock:
                fake.requests.append(record)
            try:
                status, body, replayed = fake.handle(method, url.path, params, headers)
            except StripeFailure as failure:
                status, body, replayed = failure.status, failure.body, False
            record.status, record.replayed = status, replayed
            if not replayed and fake.take_lost_response():
                record.status = 500
                self._send(500, json.dumps({"error": {"type": "api_error"}}))
                return
            extra = {"Idempotent_Replayed": "true"} if replayed else {}
            self._send(status, json.dumps(body), **extra)

        def _page(self, method: str, session_id: str):
            session = fake.sessions.get(session_id)
            if session is None:
                self._send(404, "not found", "text/plain")
                return
            if method == "GET":
                items = "".join(
                    f"<li>{html.escape(i['price_data']['product_data']['name'])} × "
                    f"{i['quantity']}</li>"
                    for i in fake.line_items[session_id]
                )
                self._send(
                    200,
                    PAGE.format(
                        amount=session["amount_total"],
                        currency=session["currency"].upper(),
                        email=html.escape(session["customer_email"] or ""),
                        items=items,
                        id=session_id,
                        cancel=html.escape(session["cancel_url"]),
                    ),
                    "text/html; charset=utf-8",
                )
                return
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            if session["status"] == "open":
                fake.pay(session_id)
            success = session["success_url"].replace(
                "{CHECKOUT_SESSION_ID}", session_id
            )
            self._send(303, "", "text/plain", Location=success)

        def do_GET(self):
            match = re.fullmatch(r"/pay/([^/?]+)", urlsplit(self.path).path)
            if match:
                self._page("GET", match[1])
            else:
                self._api("GET")

        def do_POST(self):
            match = re.fullmatch(r"/pay/([^/?]+)", urlsplit(self.path).path)
            if match:
                self._page("POST", match[1])
            else:
                self._api("POST")

    return Handler


@pytest.fixture
def fake_stripe(settings):
    """A running fake Stripe; the market's Stripe client talks to it."""
    fake = FakeStripe(
        api_key=settings.STRIPE_SECRET_KEY,
        webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
    ).start()
    settings.STRIPE_API_BASE = fake.base_url
    yield fake
    fake.stop()
