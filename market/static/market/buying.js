/* Cart and checkout, a little quicker with JavaScript.
 *
 * Every page works without this file (plain forms, POST then redirect). With
 * it: the cart updates a line without reloading the page, the checkout's
 * commune list follows the province select, and the checkout totals follow
 * the delivery choices. The card payment status page asks for its status
 * again while it waits, instead of reloading itself (a page that reloads on
 * its own loses a screen reader's place; only the status box is replaced and
 * read out, see order_payment.html).
 */
(function () {
  "use strict";

  function formatVnd(amount) {
    var english = (document.documentElement.lang || "").indexOf("en") === 0;
    var grouped = String(Math.round(amount)).replace(/\B(?=(\d{3})+(?!\d))/g, english ? "," : ".");
    return english ? "\u20ab" + grouped : grouped + " \u20ab";
  }

  /* Say what a change did (its message and the new total) in the page's
   * status line, so a screen reader does not read the whole cart again. */
  function announce(cart) {
    var status = document.querySelector("[data-cart-status]");
    if (!status) { return; }
    var parts = [];
    cart.querySelectorAll(".messages--inline .message, .cart-problems li").forEach(function (node) {
      parts.push(node.textContent.trim());
    });
    var label = cart.querySelector("dt.cart-summary__total");
    var total = cart.querySelector("dd.cart-summary__total");
    if (label && total) { parts.push(label.textContent.trim() + ": " + total.textContent.trim()); }
    status.textContent = parts.join(" ");
  }

  /* Cart: send a line's form with fetch and swap in the cart's new body. */
  function setUpCart(cart) {
    var timer = null;
    cart.classList.add("cart--js");

    function send(form, action) {
      var data = new FormData(form);
      data.set("action", action);
      var focusedId = document.activeElement && document.activeElement.id;
      cart.setAttribute("aria-busy", "true");
      // The form's attribute: `form.action` names its inputs called "action".
      return fetch(form.getAttribute("action") || window.location.href, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Cart-Partial": "1" }
      })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.text();
        })
        .then(function (html) {
          cart.innerHTML = html;
          var size = cart.querySelector("[data-cart-size]");
          var badge = document.querySelector("[data-cart-count]");
          if (size && badge) {
            var count = parseInt(size.getAttribute("data-cart-size"), 10) || 0;
            badge.textContent = count ? String(count) : "";
            badge.classList.toggle("cart-count--empty", !count);
          }
          announce(cart);
          if (focusedId) {
            var again = document.getElementById(focusedId);
            if (again) { again.focus(); }
          }
        })
        .catch(function () {
          // Fall back to the plain form: the server answers with a full page.
          var fallback = document.createElement("input");
          fallback.type = "hidden";
          fallback.name = "action";
          fallback.value = action;
          form.appendChild(fallback);
          form.submit();
        })
        .finally(function () { cart.removeAttribute("aria-busy"); });
    }

    cart.addEventListener("submit", function (event) {
      var form = event.target.closest("[data-cart-line]");
      if (!form) { return; }
      event.preventDefault();
      var submitter = event.submitter;
      send(form, submitter && submitter.value ? submitter.value : "update");
    });

    cart.addEventListener("change", function (event) {
      var input = event.target;
      if (!input.matches(".cart-line__qty")) { return; }
      var form = input.closest("[data-cart-line]");
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        if (input.value !== "" && input.checkValidity()) { send(form, "update"); }
      }, 350);
    });
  }

  /* Checkout: communes of the chosen province, and totals that follow the
   * delivery choices. */
  function setUpCheckout(form) {
    var province = form.querySelector("select[name=province]");
    var commune = form.querySelector("select[name=commune]");
    var url = form.getAttribute("data-communes-url");
    form.querySelectorAll("[data-refresh-communes]").forEach(function (button) {
      button.hidden = true;
    });

    if (province && commune && url) {
      province.addEventListener("change", function () {
        var placeholder = commune.options.length ? commune.options[0].textContent : "";
        fetch(url + "?tinh=" + encodeURIComponent(province.value), { credentials: "same-origin" })
          .then(function (response) {
            if (!response.ok) { throw new Error(String(response.status)); }
            return response.json();
          })
          .then(function (data) {
            commune.innerHTML = "";
            commune.appendChild(new Option(placeholder, ""));
            data.communes.forEach(function (pair) {
              commune.appendChild(new Option(pair[1], String(pair[0])));
            });
          })
          .catch(function () {
            // Let the server redraw the list (the no-JavaScript path).
            var refresh = document.createElement("input");
            refresh.type = "hidden";
            refresh.name = "refresh";
            refresh.value = "1";
            form.appendChild(refresh);
            form.noValidate = true;
            form.submit();
          });
      });
    }

    var goodsCell = form.querySelector("[data-goods-total]");
    var deliveryCell = form.querySelector("[data-delivery-total]");
    var totalCell = form.querySelector("[data-order-total]");
    function updateTotals() {
      if (!goodsCell || !deliveryCell || !totalCell) { return; }
      var goods = parseInt(goodsCell.getAttribute("data-goods-total"), 10) || 0;
      var delivery = 0;
      form.querySelectorAll("input[data-fee]:checked").forEach(function (radio) {
        delivery += parseInt(radio.getAttribute("data-fee"), 10) || 0;
      });
      deliveryCell.textContent = formatVnd(delivery);
      totalCell.textContent = formatVnd(goods + delivery);
    }
    form.addEventListener("change", function (event) {
      if (event.target.matches("input[data-fee]")) { updateTotals(); }
    });

    // One press of "place order": a second would only show the same order.
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (submitter && submitter.name === "refresh") { return; }
      if (form.getAttribute("data-submitted")) { event.preventDefault(); return; }
      form.setAttribute("data-submitted", "1");
    });
  }

  /* Payment status: fetch the page again and swap in the status box. */
  function watchPaymentStatus(box) {
    var seconds = parseInt(box.getAttribute("data-refresh-seconds"), 10) || 5;
    window.setTimeout(function () {
      fetch(window.location.href, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          var fresh = html && new DOMParser().parseFromString(html, "text/html").querySelector(".payment-status");
          if (!fresh) { watchPaymentStatus(box); return; }
          if (fresh.innerHTML !== box.innerHTML) { box.innerHTML = fresh.innerHTML; }
          if (fresh.hasAttribute("data-refresh-seconds")) { watchPaymentStatus(box); }
          else { box.removeAttribute("data-refresh-seconds"); }
        })
        .catch(function () { watchPaymentStatus(box); });
    }, seconds * 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var status = document.querySelector(".payment-status[data-refresh-seconds]");
    if (status) { watchPaymentStatus(status); }
    var cart = document.querySelector("#cart[data-cart-url]");
    if (cart) { setUpCart(cart); }
    var checkout = document.querySelector("form[data-checkout]");
    if (checkout) { setUpCheckout(checkout); }
  });
})();
