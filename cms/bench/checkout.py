"""The checkout scenario's load: buyers who add a product and order it, cash on
delivery, each as a browser would, with cookies and the CSRF token.

One buyer's round: open a product page (the CSRF cookie comes with it), post
"add to cart", open checkout, post the order, open the order's page. Each
round is a new visitor (fresh cookies), so no cart carries over.

The buyers are threads of one process using `http.client`: each spends nearly
all its time waiting for the server, pages are read with a few regular
expressions (no HTML parser), so the whole generator takes a small share of
one core (the report gives its CPU seconds) and leaves the cores to gunicorn.

A buyer whose product sold out gets the site's own message ("… đã hết hàng",
"… vừa hết hàng", "chỉ còn …") on the cart page: that round counts as sold
out, not as an error. Anything else unexpected (a 5xx, a form sent back with
errors, a dropped connection) is an error, counted by kind.
"""

import html
import http.client
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

CART_PATH = "/gio-hang/"
CHECKOUT_PATH = "/thanh-toan/"
ORDER_PATH = "/don-hang/"
# What the cart page says when a product ran out (market.cart, buying_views).
SOLD_OUT_MESSAGES = ("hết hàng", "chỉ còn")
REQUEST_TIMEOUT = 30

_TAG = re.compile(r"<(/?)(form|input|select|option|textarea)\b([^>]*)>", re.I)
_ATTRIBUTE = re.compile(r'([\w:-]+)(?:\s*=\s*"([^"]*)")?')


def form_fields(page: str, action: str) -> dict[str, str] | None:
    """The values a browser would send from the form posting to `action`.

    Hidden and text inputs as they are; of radios and select options, the one
    marked checked/selected, else the first with a value (as a buyer picks
    the first commune of the list). None if the page has no such form. Enough
    for the site's own forms, not a general HTML reader.
    """
    fields: dict[str, str] = {}
    chosen: set[str] = set()
    inside = found = False
    select = None
    for match in _TAG.finditer(page):
        closing, tag, raw = match.group(1), match.group(2).lower(), match.group(3)
        attrs = {
            name.lower(): html.unescape(value or "")
            for name, value in _ATTRIBUTE.findall(raw)
        }
        if tag == "form":
            if closing:
                if inside:
                    break
            elif attrs.get("action") == action:
                inside = found = True
            continue
        if not inside:
            continue
        if tag == "select":
            select = None if closing else attrs.get("name")
            continue
        name = select if tag == "option" else attrs.get("name")
        if not name or closing or "disabled" in attrs:
            continue
        value = attrs.get("value", "")
        if tag == "option" or attrs.get("type") == "radio":
            marked = "selected" in attrs or "checked" in attrs
            if marked and value:
                fields[name] = value
                chosen.add(name)
            elif name not in chosen and not fields.get(name) and value:
                fields[name] = value
        elif tag == "textarea":
            fields.setdefault(name, "")
        elif attrs.get("type", "text") not in ("submit", "button", "checkbox"):
            fields[name] = value
    return fields if found else None


@dataclass
class Response:
    """What a buyer reads of an answer: status, where it redirects, the page."""

    status: int
    location: str
    text: str


@dataclass
class Tally:
    """What the buyers did, added up under a lock."""

    rounds: int = 0
    orders: int = 0
    sold_out: int = 0
    requests: int = 0
    errors: Counter = field(default_factory=Counter)
    # Seconds each order's POST to checkout took (orders and sold-out answers).
    checkout_seconds: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: str, requests: int, checkout_seconds: float | None):
        with self.lock:
            self.rounds += 1
            self.requests += requests
            if outcome == "order":
                self.orders += 1
            elif outcome == "sold_out":
                self.sold_out += 1
            else:
                self.errors[outcome] += 1
            if checkout_seconds is not None:
                self.checkout_seconds.append(checkout_seconds)


class RoundFailed(Exception):
    """A round ended in an error; the message says which (it is the count's key)."""


class Buyer:
    """One visitor's round of buying, over whatever `request` sends through."""

    def __init__(self, email: str, rng: random.Random):
        self.email, self.rng = email, rng
        self.requests = 0

    def request(self, method: str, path: str, data: dict | None = None) -> Response:
        """Send a GET, or a POST of form `data`, keeping the visitor's cookies."""
        raise NotImplementedError

    def sold_out_on_cart_page(self, what: str) -> str:
        """ "sold_out" if the cart page says the product ran out, else fail."""
        page = self.request("GET", CART_PATH)
        if page.status == 200 and any(m in page.text for m in SOLD_OUT_MESSAGES):
            return "sold_out"
        raise RoundFailed(f"{what}: sent to the cart without a sold-out message")

    def buy(self, product: dict) -> tuple[str, float | None]:
        """One round; the outcome ("order", "sold_out") and the checkout POST's time."""
        page = self.request("GET", product["path"])
        if page.status != 200:
            raise RoundFailed(f"product page {page.status}")
        add = form_fields(page.text, CART_PATH)
        if add is None:
            raise RoundFailed("product page without the add-to-cart form")
        add.setdefault("quantity", "1")
        added = self.request("POST", CART_PATH, add)
        if added.status != 302:
            raise RoundFailed(f"add to cart {added.status}")

        form_page = self.request("GET", CHECKOUT_PATH)
        if form_page.status == 302 and form_page.location == CART_PATH:
            return self.sold_out_on_cart_page("open checkout"), None
        if form_page.status != 200:
            raise RoundFailed(f"checkout page {form_page.status}")
        order = form_fields(form_page.text, CHECKOUT_PATH)
        if order is None:
            raise RoundFailed("checkout page without its form")
        order.update(
            contact_name="Nguyễn Văn Thử",
            phone=f"09{self.rng.randrange(10**8):08d}",
            email=self.email,
            street="Xóm 1",
            note="",
            payment_method="cod",
        )
        started = time.perf_counter()
        placed = self.request("POST", CHECKOUT_PATH, order)
        seconds = time.perf_counter() - started
        if placed.status == 302 and placed.location == CART_PATH:
            return self.sold_out_on_cart_page("place order"), seconds
        if placed.status != 302 or not placed.location.startswith(ORDER_PATH):
            raise RoundFailed(f"place order {placed.status}")
        confirmation = self.request("GET", placed.location)
        if confirmation.status != 200:
            raise RoundFailed(f"order page {confirmation.status}")
        return "order", seconds


class HttpBuyer(Buyer):
    """A buyer talking HTTP to the server, its cookies in a jar of its own.

    The site's production settings mark cookies Secure and check the origin of
    POSTs made over HTTPS; the buyer sends `X-Forwarded-Proto: https` as the
    TLS proxy in front of gunicorn would, with a matching Origin.
    """

    def __init__(self, host: str, port: int, email: str, rng: random.Random):
        super().__init__(email, rng)
        self.host, self.port = host, port
        self.origin = f"https://{host}:{port}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None) -> Response:
        headers = {
            "Host": f"{self.host}:{self.port}",
            "X-Forwarded-Proto": "https",
            "User-Agent": "cms-bench-checkout",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=REQUEST_TIMEOUT
        )
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            text = answer.read().decode("utf-8", "replace")
            for cookie in answer.headers.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                value = rest.split(";", 1)[0]
                if value.strip('"'):
                    self.cookies[name.strip()] = value
                else:
                    self.cookies.pop(name.strip(), None)
        finally:
            connection.close()
        self.requests += 1
        location = answer.headers.get("Location", "")
        return Response(answer.status, urlsplit(location).path, text)


def run(
    host: str,
    port: int,
    products: list[dict],
    *,
    users: int,
    seconds: float,
    email: str,
    seed: int = 2027,
) -> dict:
    """`users` buyers ordering `products` for `seconds`; what they achieved."""
    tally = Tally()
    deadline = time.monotonic() + seconds

    def shop(number: int) -> None:
        rng = random.Random(seed + number)
        while time.monotonic() < deadline:
            buyer = HttpBuyer(host, port, email, rng)
            try:
                outcome, checkout_seconds = buyer.buy(rng.choice(products))
            except RoundFailed as error:
                outcome, checkout_seconds = str(error), None
            except (OSError, http.client.HTTPException) as error:
                outcome, checkout_seconds = f"socket: {type(error).__name__}", None
            tally.add(outcome, buyer.requests, checkout_seconds)

    cpu_before, started = time.process_time(), time.monotonic()
    threads = [threading.Thread(target=shop, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "users": users,
        "seconds": elapsed,
        "rounds": tally.rounds,
        "requests": tally.requests,
        "orders": tally.orders,
        "orders_per_second": tally.orders / elapsed,
        "sold_out": tally.sold_out,
        "errors": sum(tally.errors.values()),
        "errors_by_kind": dict(tally.errors.most_common()),
        "checkout_ms": percentiles_ms(tally.checkout_seconds),
        "client_cpu_seconds": time.process_time() - cpu_before,
    }


def percentiles_ms(samples: list[float]) -> dict[str, float | None]:
    """p50, p95 and p99 of `samples` (seconds) in milliseconds (nearest rank)."""
    ordered = sorted(samples)

    def rank(p: float) -> float | None:
        if not ordered:
            return None
        index = max(0, min(len(ordered) - 1, -(-len(ordered) * p // 100) - 1))
        return ordered[int(index)] * 1000

    return {"p50": rank(50), "p95": rank(95), "p99": rank(99)}
