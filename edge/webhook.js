// Posts a new MQL to the CRM webhook, in the background, retrying a failed delivery a bounded
// number of times with backoff. The idempotency key makes a repeated delivery harmless.

/** Delivers `lead`; resolves to `{ delivered, attempts, status }` and never rejects. */
export async function deliverLead(url, lead, { attempts, backoffMs, timeoutMs, log, sleep = delay }) {
  let status = 0;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": lead.idempotencyKey, "x-mql-attempt": String(attempt) },
        body: JSON.stringify(lead),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      await response.body?.cancel();
      // 2xx is delivered; 409 means the CRM already has this key.
      if (response.ok || status === 409) return { delivered: true, attempts: attempt, status };
      // Other 4xx will not get better by retrying, except 408 and 429.
      if (status < 500 && status !== 408 && status !== 429) break;
    } catch (err) {
      status = 0;
      log({ mql: "webhook-error", key: lead.idempotencyKey, attempt, error: String(err?.message ?? err) });
    }
    if (attempt < attempts) await sleep(backoffMs * 4 ** (attempt - 1));
  }
  return { delivered: false, attempts, status };
}

function delay(ms) {
  return new Promise((ok) => setTimeout(ok, ms));
}
