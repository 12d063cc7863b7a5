// The site's consent manager, speaking the IAB TCF v2 API (__tcfapi) as certified CMPs do: the
// banner is shown (eventStatus "cmpuishown"), then the visitor decides ("useractioncomplete").
// window.decide([purposes]) plays the visitor's choice.
(() => {
  const listeners = [];
  let tcData = { tcfPolicyVersion: 4, gdprApplies: true, eventStatus: "cmpuishown", cmpStatus: "loaded", purpose: { consents: {} }, publisher: { consents: {} } };
  window.__tcfapi = (command, version, callback) => {
    if (command === "addEventListener") {
      listeners.push(callback);
      setTimeout(() => callback({ ...tcData, listenerId: listeners.length }, true), 0);
    } else if (command === "ping") {
      callback({ gdprApplies: true, cmpLoaded: true, cmpStatus: "loaded", apiVersion: "2.2" });
    }
  };
  window.decide = (purposes) => {
    const consents = Object.fromEntries(purposes.map((p) => [p, true]));
    tcData = { ...tcData, eventStatus: "useractioncomplete", purpose: { consents } };
    listeners.forEach((callback, i) => callback({ ...tcData, listenerId: i + 1 }, true));
  };
})();
