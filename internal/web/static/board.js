// The Kanban board's script. Live updates: the board follows the changes
// others make (Server-Sent Events). Drag and drop, for those who may move
// cards: without this script every card still moves through its own small
// form; with it, a card dragged to another column is moved by the same
// POST, sent with fetch, without a reload.
(() => {
  "use strict";
  const board = document.querySelector(".board[data-project]");
  if (!board) return;
  const project = board.dataset.project;
  let drag = null;
  let stale = false; // a change arrived during a drag: refresh after it

  // Fetch the board again and put its columns in place of ours, keeping
  // the focus on the same card's control.
  const refresh = async () => {
    if (drag) {
      stale = true;
      return;
    }
    const res = await fetch(location.pathname, { credentials: "same-origin" }).catch(() => null);
    if (!res || !res.ok) return;
    const doc = new DOMParser().parseFromString(await res.text(), "text/html");
    const fresh = doc.querySelector(".board[data-project]");
    if (!fresh || drag) {
      stale = true;
      return;
    }
    const active = document.activeElement;
    const card = active && active.closest(".kcard");
    const value = active && active.value;
    board.replaceChildren(...fresh.childNodes);
    if (fresh.dataset.after && Number(fresh.dataset.after) > Number(after)) after = fresh.dataset.after;
    const total = doc.querySelector("#total");
    if (total && document.querySelector("#total")) document.querySelector("#total").textContent = total.textContent;
    if (card) {
      const again = document.getElementById(card.id);
      const target = again && (again.querySelector('button[value="' + value + '"]') || again.querySelector("button, a"));
      if (target) target.focus();
    }
  };
  // The live stream starts after the change the page was rendered at, and
  // resumes after the last change received. A browser's own reconnection
  // gives up after an error answer (a proxy's 502 during a restart): then
  // open a new stream, waiting longer each time, and look again.
  let after = board.dataset.after || "";
  let wait = 1000;
  const listen = () => {
    if (!window.EventSource) return;
    const events = new EventSource("/p/" + project + "/events?after=" + encodeURIComponent(after));
    events.addEventListener("change", (e) => {
      after = e.lastEventId || after;
      wait = 1000;
      refresh();
    });
    events.addEventListener("error", () => {
      if (events.readyState !== EventSource.CLOSED) return; // the browser retries by itself
      setTimeout(() => {
        listen();
        refresh();
      }, wait);
      wait = Math.min(wait * 2, 30000);
    });
  };
  listen();
  if (!board.hasAttribute("data-write")) return;

  const status = document.createElement("p");
  status.className = "board-status";
  status.setAttribute("role", "status");
  board.before(status);

  const columnAt = (x, y) => {
    const el = document.elementFromPoint(x, y);
    return el && el.closest(".column");
  };

  const recount = () => {
    for (const col of board.querySelectorAll(".column")) {
      col.querySelector(".count").textContent = col.querySelectorAll(".kcard").length;
    }
  };

  // rebuild the card's move buttons for its new column
  const rebuildButtons = (card, to) => {
    const form = card.querySelector("form");
    if (!form) return;
    for (const b of form.querySelectorAll("button")) b.remove();
    for (const col of board.querySelectorAll(".column")) {
      const st = col.dataset.status;
      if (st === to) continue;
      const title = col.querySelector("h2").firstChild.textContent.trim();
      const b = document.createElement("button");
      b.name = "status";
      b.value = st;
      b.textContent = title;
      form.append(b);
    }
  };

  const place = (card, col) => {
    const list = col.querySelector(".cards");
    const n = Number(card.dataset.n);
    const after = [...list.children].find((c) => Number(c.dataset.n) > n);
    list.insertBefore(card, after || null);
    rebuildButtons(card, col.dataset.status);
    recount();
  };

  const move = async (card, to) => {
    const from = card.closest(".column");
    if (from === to) return;
    place(card, to);
    card.classList.add("saving");
    try {
      const res = await fetch("/p/" + project + "/tasks/" + card.dataset.n + "/move", {
        method: "POST",
        headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ status: to.dataset.status }),
        credentials: "same-origin",
      });
      const body = await res.json().catch(() => ({}));
      if (res.status === 401) throw new Error("Your session has ended: reload the page and log in again.");
      if (!res.ok) throw new Error(body.error || "The move failed (" + res.status + ").");
      status.classList.remove("error");
      status.textContent = "Moved #" + card.dataset.n + " to " + to.querySelector("h2").firstChild.textContent.trim() + ".";
    } catch (err) {
      place(card, from);
      status.textContent = err.message;
      status.classList.add("error");
    } finally {
      card.classList.remove("saving");
    }
  };

  // A mouse drags a card from anywhere on it; a finger only from its handle,
  // so that the page still scrolls under a finger elsewhere.
  board.addEventListener("pointerdown", (e) => {
    const card = e.target.closest(".kcard");
    if (!card || e.button !== 0 || e.target.closest("a, button, select, input, textarea")) return;
    if (e.pointerType !== "mouse" && !e.target.closest(".grip")) return;
    drag = { card, id: e.pointerId, x: e.pageX, y: e.pageY, moved: false };
  });

  // Near the top or bottom of the window, a drag scrolls the page: on a
  // phone the columns are one above the other.
  let scrolling = 0;
  const autoscroll = (y) => {
    const edge = 60;
    const speed = y < edge ? -(edge - y) / 3 : y > innerHeight - edge ? (y - innerHeight + edge) / 3 : 0;
    cancelAnimationFrame(scrolling);
    if (!speed || !drag) return;
    const step = () => {
      scrollBy(0, speed);
      if (drag) scrolling = requestAnimationFrame(step);
    };
    scrolling = requestAnimationFrame(step);
  };

  board.addEventListener("pointermove", (e) => {
    if (!drag || e.pointerId !== drag.id) return;
    const dx = e.pageX - drag.x;
    const dy = e.pageY - drag.y;
    if (!drag.moved) {
      if (Math.hypot(dx, dy) < 6) return;
      drag.moved = true;
      drag.card.classList.add("dragging");
      board.setPointerCapture(e.pointerId);
    }
    e.preventDefault();
    drag.card.style.transform = "translate(" + dx + "px, " + dy + "px)";
    autoscroll(e.clientY);
    for (const col of board.querySelectorAll(".column")) col.classList.remove("over");
    const col = columnAt(e.clientX, e.clientY);
    if (col) col.classList.add("over");
  });

  const end = (e) => {
    if (!drag || e.pointerId !== drag.id) return;
    const { card, moved } = drag;
    drag = null;
    cancelAnimationFrame(scrolling);
    if (stale) {
      stale = false;
      setTimeout(refresh, 300);
    }
    card.classList.remove("dragging");
    card.style.transform = "";
    for (const col of board.querySelectorAll(".column")) col.classList.remove("over");
    if (!moved || e.type === "pointercancel") return;
    const col = columnAt(e.clientX, e.clientY);
    if (col) move(card, col);
  };
  board.addEventListener("pointerup", end);
  board.addEventListener("pointercancel", end);

  // The buttons of a card move it the same way, without leaving the page.
  board.addEventListener("submit", (e) => {
    const card = e.target.closest(".kcard");
    const to = e.submitter && board.querySelector('.column[data-status="' + e.submitter.value + '"]');
    if (!card || !to) return;
    e.preventDefault();
    move(card, to); // places the card at once, then saves it
    const b = card.querySelector("button");
    if (b) b.focus();
  });
})();
