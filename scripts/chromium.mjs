// Launches Debian's Chromium headless through playwright-core (never a downloaded browser),
// with the flags this machine needs: no sandbox as root, and no background network traffic.
import { createRequire } from "node:module";

const require = createRequire(new URL("../tools/package.json", import.meta.url));

export function launchChromium() {
  const { chromium } = require("playwright-core");
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}
