// The orderer's form: posts to /api/verify on the same origin and shows the certificate, the
// uniform refusal or the lock; around the certificate, the printed record (print only: the
// templates #record-head and #record-foot, with the look-up's time and audit reference and a QR
// code of the verify page with the number only). Its one dependency is qrcode.js (vendored);
// everything is built with textContent, and the key is emptied from the form once verified.
(function () {
  "use strict";
  var form = document.getElementById("verify-form");
  if (!form) return;
  var numberInput = document.getElementById("certificate-number");
  var keyInput = document.getElementById("auth-key");
  var button = document.getElementById("verify-button");
  var result = document.getElementById("result");
  var fields = {
    certificate_number: { input: numberInput, error: document.getElementById("number-error") },
    auth_key: { input: keyInput, error: document.getElementById("key-error") }
  };

  // A notice may link to #number=…&key=… (its QR code): the fragment never reaches a server or
  // a log. It is removed from the address bar and history once read, and a link that carries
  // both codes is submitted at once — scanning the notice lands on the certificate. A second
  // link opened in the same tab changes only the fragment, so it is read again on
  // `hashchange`, and the answer shown for the previous certificate is cleared first.
  function prefillFromFragment() {
    if (location.hash.length <= 1) return false;
    var params = new URLSearchParams(location.hash.slice(1));
    numberInput.value = params.get("number") || "";
    keyInput.value = params.get("key") || "";
    history.replaceState(null, "", location.pathname + location.search);
    return true;
  }
  // Both codes: submit. The number only (the printed record's link): the key is asked for.
  function afterPrefill() {
    if (numberInput.value && keyInput.value) {
      form.requestSubmit();
    } else if (numberInput.value) {
      keyInput.focus();
    }
  }
  window.addEventListener("hashchange", function () {
    if (!prefillFromFragment()) return;
    clearErrors();
    result.replaceChildren();
    numberInput.focus();
    afterPrefill();
  });

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function clearErrors() {
    Object.keys(fields).forEach(function (name) {
      fields[name].input.removeAttribute("aria-invalid");
      fields[name].error.textContent = "";
    });
  }

  function show(nodes, focusTarget) {
    result.replaceChildren.apply(result, nodes);
    if (focusTarget) {
      focusTarget.setAttribute("tabindex", "-1");
      focusTarget.focus();
    }
  }

  function message(kind, title, text) {
    var box = el("div", null, "message message-" + kind);
    box.setAttribute("role", kind === "ok" ? "status" : "alert");
    var heading = el("h2", title);
    box.append(heading, el("p", text));
    show([box], heading);
  }

  var eraFormat = new Intl.DateTimeFormat("ja-JP-u-ca-japanese", { era: "long", year: "numeric", timeZone: "UTC" });
  function japaneseDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (!m) return iso || "";
    var date = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    var era = eraFormat.format(date).replace(/^(\D+)1年$/, "$1元年");
    return era + "(" + m[1] + "年)" + (+m[2]) + "月" + (+m[3]) + "日";
  }

  function yen(amount) {
    return typeof amount === "number" ? amount.toLocaleString("ja-JP") + "円" : "";
  }

  // 令和8年12月3日 and 2026年12月3日 and the hour and minute, in Japan, of an instant.
  function tokyo(locale, options) {
    return new Intl.DateTimeFormat(locale, Object.assign({ timeZone: "Asia/Tokyo" }, options));
  }
  var recordWareki = tokyo("ja-JP-u-ca-japanese", { era: "long", year: "numeric", month: "long", day: "numeric" });
  var recordSeireki = tokyo("ja-JP", { year: "numeric", month: "long", day: "numeric" });
  var recordClock = tokyo("ja-JP", { hour: "numeric", minute: "2-digit", hourCycle: "h23" });
  function verifiedAt(format, at) {
    if (isNaN(at.getTime())) return "";
    var parts = {};
    recordClock.formatToParts(at).forEach(function (p) { parts[p.type] = p.value; });
    var values = {
      wareki: recordWareki.format(at).replace(/^(\D+)1年/, "$1元年"),
      seireki: recordSeireki.format(at),
      hour: String(+parts.hour),
      minute: parts.minute
    };
    return format.replace(/\{(\w+)\}/g, function (_, name) { return values[name] || ""; });
  }

  // The verify page's own address: its canonical one when the site gives it, else where it was opened.
  function verifyPageUrl() {
    var canonical = document.querySelector("link[rel=canonical]");
    return canonical ? canonical.href : location.origin + location.pathname;
  }

  // A QR code as SVG: one path of dark modules, four modules of quiet zone.
  function qrSvg(text, label) {
    var code = qrcode(0, "M");
    code.addData(text);
    code.make();
    var n = code.getModuleCount();
    var d = "";
    for (var r = 0; r < n; r++) {
      for (var col = 0; col < n; col++) {
        if (code.isDark(r, col)) d += "M" + (col + 4) + " " + (r + 4) + "h1v1h-1z";
      }
    }
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 " + (n + 8) + " " + (n + 8));
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", label);
    svg.setAttribute("shape-rendering", "crispEdges");
    var background = document.createElementNS(ns, "rect");
    background.setAttribute("width", n + 8);
    background.setAttribute("height", n + 8);
    background.setAttribute("fill", "#fff");
    var modules = document.createElementNS(ns, "path");
    modules.setAttribute("d", d);
    modules.setAttribute("fill", "#000");
    svg.append(background, modules);
    return svg;
  }

  // A copy of template `id` with each slot (data-slot) filled from `values`: text, or the node a
  // function makes for the slot.
  function fromTemplate(id, values) {
    var template = document.getElementById(id);
    var node = template.content.firstElementChild.cloneNode(true);
    node.querySelectorAll("[data-slot]").forEach(function (slot) {
      var value = values[slot.getAttribute("data-slot")];
      if (typeof value === "function") slot.append(value(slot));
      else slot.textContent = value || "";
    });
    return node;
  }

  // The record's head and foot for the look-up `answer` of certificate `c`. Without the QR
  // library (it failed to load) the record has no code; the certificate is shown all the same.
  function record(c, answer) {
    var page = verifyPageUrl();
    var at = new Date(answer.verified_at);
    var head = fromTemplate("record-head", {
      "verified-at": function (slot) { return verifiedAt(slot.getAttribute("data-format"), at); },
      reference: answer.audit_reference
    });
    var foot = fromTemplate("record-foot", {
      url: page,
      qr: function (slot) {
        if (typeof qrcode !== "function") return "";
        return qrSvg(page + "#number=" + encodeURIComponent(c.certificate_number), slot.getAttribute("data-label"));
      }
    });
    return { head: head, foot: foot };
  }

  function showCertificate(c, answer) {
    var warning = c.status === "解約" || c.status === "失効";
    var printed = record(c, answer);
    var nodes = [printed.head];
    var statusBox = el("div", null, "message " + (warning ? "message-error" : c.status === "変更あり" ? "message-warning" : "message-ok"));
    statusBox.setAttribute("role", warning ? "alert" : "status");
    var heading = el("h2", "状態：" + c.status);
    statusBox.append(heading);
    if (warning) {
      // 解約 is something done to the contract; 失効 is what the certificate itself does.
      var what = c.status === "解約" ? "この保証契約は解約されています。" : "この電子証書は失効しています。";
      statusBox.append(el("p", what + "保証は有効ではありません。受注者にご確認ください。"));
    } else if (c.status === "変更あり") {
      statusBox.append(el("p", "この電子証書には変更があります。下の履歴をご確認ください。"));
    } else {
      statusBox.append(el("p", "この電子証書は有効です。"));
    }
    nodes.push(statusBox);

    var table = el("table", null, "certificate");
    table.append(el("caption", "電子証書の内容"));
    var body = el("tbody");
    var rows = [
      ["保証契約番号", c.certificate_number],
      ["状態", c.status],
      ["保証の種類", c.guarantee_kind],
      ["発注者", c.orderer],
      ["受注者", (c.contractor && c.contractor.name) + "（" + (c.contractor && c.contractor.address) + "）"],
      ["工事名・業務名", c.work_name],
      ["工事場所", c.work_location],
      ["契約金額", yen(c.contract_amount)],
      ["保証金額", yen(c.guarantee_amount)],
      ["保証期間", c.guarantee_period ? japaneseDate(c.guarantee_period.from) + " 〜 " + japaneseDate(c.guarantee_period.to) : ""],
      ["発行日", japaneseDate(c.issued_on)]
    ];
    rows.forEach(function (row) {
      var tr = el("tr");
      var th = el("th", row[0]);
      th.setAttribute("scope", "row");
      var td = el("td", row[1]);
      if (row[0] === "状態") td.append(" ", el("strong", warning ? "（注意）" : ""));
      tr.append(th, td);
      body.append(tr);
    });
    table.append(body);
    nodes.push(table);

    if (c.history && c.history.length) {
      nodes.push(el("h3", "履歴"));
      var list = el("ol", null, "history");
      c.history.forEach(function (h) {
        list.append(el("li", japaneseDate(h.date) + "　" + h.status + (h.note ? "　" + h.note : "")));
      });
      nodes.push(list);
    }
    var print = el("button", "この内容を印刷する", "secondary");
    print.type = "button";
    print.addEventListener("click", function () { window.print(); });
    nodes.push(printed.foot, print);
    show(nodes, heading);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    var payload = { certificate_number: numberInput.value, auth_key: keyInput.value };
    var missing = Object.keys(payload).filter(function (name) { return !payload[name].trim(); });
    if (missing.length) {
      missing.forEach(function (name) {
        fields[name].input.setAttribute("aria-invalid", "true");
        fields[name].error.textContent = name === "auth_key" ? "認証キーを入力してください。" : "保証契約番号を入力してください。";
      });
      fields[missing[0]].input.focus();
      return;
    }
    button.disabled = true;
    result.replaceChildren(el("p", "確認しています…"));
    fetch(form.getAttribute("data-api"), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload),
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        var error = body.error || {};
        if (response.ok && body.certificate) {
          // The key has done its work: it stays neither in the form nor anywhere on the page.
          keyInput.value = "";
          showCertificate(body.certificate, body);
        } else if (response.status === 400 && fields[error.field]) {
          var field = fields[error.field];
          field.input.setAttribute("aria-invalid", "true");
          field.error.textContent = error.message;
          result.replaceChildren();
          field.input.focus();
        } else if (response.status === 404) {
          message("error", "確認できませんでした", error.message || "保証契約番号または認証キーが正しくありません。");
        } else if (response.status === 429) {
          var seconds = parseInt(response.headers.get("Retry-After") || "0", 10);
          var at = new Date(Date.now() + seconds * 1000);
          var time = at.toLocaleTimeString("ja-JP", { hour: "2-digit", minute: "2-digit" });
          message("warning", "確認を一時停止しています", (error.message || "しばらくしてからお試しください。") + "（" + time + "頃から再開できます）");
        } else {
          message("error", "ただいま確認できません", error.message || "しばらくしてからもう一度お試しください。");
        }
      });
    }).catch(function () {
      message("error", "通信できませんでした", "ネットワークの接続を確認して、もう一度お試しください。");
    }).then(function () {
      button.disabled = false;
    });
  });

  if (prefillFromFragment()) afterPrefill();
})();
