// Upload progress: forms marked data-progress send their file with
// XMLHttpRequest, which reports progress, and show it in their <progress>.
// Without this script the form posts normally.
(() => {
  "use strict";
  for (const form of document.querySelectorAll("form[data-progress]")) {
    const bar = form.querySelector("progress");
    const button = form.querySelector("button[type=submit]");
    let note = form.querySelector(".upload-status");
    if (!note) {
      note = document.createElement("p");
      note.className = "upload-status";
      note.setAttribute("role", "status");
      form.append(note);
    }
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", (ev) => {
        if (!ev.lengthComputable) return;
        const pct = Math.round((ev.loaded / ev.total) * 100);
        bar.value = pct;
        note.textContent = "Uploading… " + pct + "%";
      });
      xhr.addEventListener("load", () => {
        if (xhr.status < 400) {
          location.assign(xhr.responseURL || location.href);
          return;
        }
        const doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        const alert = doc.querySelector("[role=alert]");
        note.textContent = alert ? alert.textContent : "The upload failed (" + xhr.status + ").";
        note.classList.add("error");
        bar.hidden = true;
        button.disabled = false;
      });
      xhr.addEventListener("error", () => {
        note.textContent = "The upload failed: the connection was lost.";
        note.classList.add("error");
        bar.hidden = true;
        button.disabled = false;
      });
      note.classList.remove("error");
      note.textContent = "Uploading…";
      bar.value = 0;
      bar.hidden = false;
      button.disabled = true;
      xhr.send(new FormData(form));
    });
  }
})();
