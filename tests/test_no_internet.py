"""The suite cannot reach the internet; this machine's own services still answer."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import requests
import stripe

from tests.no_internet import InternetBlocked, is_local

PUBLIC_ADDRESS = "93.184.215.14"  # a public web server's address


def test_connecting_to_a_public_address_is_refused():
    with pytest.raises(InternetBlocked):
        socket.create_connection((PUBLIC_ADDRESS, 80), timeout=1)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(InternetBlocked):
            sock.connect_ex((PUBLIC_ADDRESS, 443))
    finally:
        sock.close()


def test_looking_up_a_public_name_or_sending_it_a_datagram_is_refused():
    with pytest.raises(InternetBlocked):
        socket.getaddrinfo("api.stripe.com", 443)
    with pytest.raises(InternetBlocked):
        socket.gethostbyname("example.com")
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        with pytest.raises(InternetBlocked):
            udp.sendto(b"x", ("8.8.8.8", 53))
    finally:
        udp.close()


def test_http_clients_fail_like_an_unreachable_network():
    with pytest.raises(requests.ConnectionError):
        requests.get("https://api.stripe.com/v1/charges", timeout=1)


def test_the_stripe_sdk_at_its_real_address_gets_a_connection_error():
    client = stripe.StripeClient("sk_test_x", max_network_retries=0)
    with pytest.raises(stripe.APIConnectionError):
        client.v1.checkout.sessions.retrieve("cs_test_x")


def test_loopback_addresses_and_names_still_connect():
    class Hello(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"hello")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        for host in ("127.0.0.1", "localhost"):
            answer = requests.get(f"http://{host}:{port}/", timeout=5)
            assert answer.text == "hello"
    finally:
        server.shutdown()
        server.server_close()


def test_only_loopback_counts_as_local():
    assert is_local("127.0.0.1")
    assert is_local("127.8.9.10")
    assert is_local("::1")
    assert is_local("::ffff:127.0.0.1")
    assert is_local("localhost")
    assert not is_local("10.0.0.1")
    assert not is_local("0.0.0.0")  # noqa: S104
    assert not is_local("::ffff:93.184.215.14")
    assert not is_local("stripe.com")
