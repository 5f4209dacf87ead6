import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, api, currentAdminKey, ok, onSessionChange, signIn, signOut } from "./api.js";
import { ConsumerPage } from "./consumer.js";
import { AlertsPage, AuditPage, RotationsPage, WebhooksPage } from "./fleet.js";
import { JobsPage } from "./jobs.js";
import { KeyPage } from "./key.js";
import { KeysPage } from "./keys.js";
import { PoliciesPage } from "./policy.js";
import { ReportPage } from "./report.js";
import "./style.css";

// Hash routes (#/keys/key_…): the server serves one page, and ids in the fragment never reach a log.
function useRoute(): string[] {
  const parse = () => (location.hash.replace(/^#\/?/, "") || "keys").split("/").map(decodeURIComponent);
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const on = () => setRoute(parse());
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

const NAV = [
  ["keys", "Consumers & keys"],
  ["rotations", "Rotations"],
  ["jobs", "Jobs"],
  ["report", "Key age"],
  ["policies", "Policies"],
  ["alerts", "Alerts"],
  ["audit", "Audit log"],
  ["webhooks", "Webhooks"],
] as const;

function SignIn() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main id="main" class="signin">
      <h1>Keyroll</h1>
      <form
        aria-labelledby="signin-title"
        onSubmit={async (e) => {
          e.preventDefault();
          const input = (e.currentTarget as HTMLFormElement).elements.namedItem(
            "adminKey",
          ) as HTMLInputElement;
          const key = input.value.trim();
          setBusy(true);
          setError(null);
          try {
            const res = await fetch("/v1/keys?limit=1", {
              headers: { Authorization: `Bearer ${key}` },
              credentials: "omit",
            });
            if (!res.ok) {
              const p = (await res.json().catch(() => ({}))) as { detail?: string };
              throw new ApiError(res.status, "", p.detail ?? `HTTP ${res.status}`);
            }
            input.value = "";
            signIn(key);
          } catch (err) {
            setError((err as Error).message);
          } finally {
            setBusy(false);
          }
        }}
      >
        <h2 id="signin-title">Sign in</h2>
        <p class="muted">
          With an admin key (scope <code>admin</code>, or <code>keys:read</code> to look only). It is kept in
          this tab only, until you sign out or close it.
        </p>
        <label for="admin-key">Admin key</label>
        <input id="admin-key" name="adminKey" type="password" autocomplete="off" required minLength={20} />
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}

function Health() {
  const [state, setState] = useState("…");
  useEffect(() => {
    let live = true;
    const check = () =>
      ok(api.GET("/readyz"))
        .then((r) => live && setState(r.status))
        .catch((e: Error) => live && setState(e.message));
    void check();
    const t = setInterval(check, 10_000);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, []);
  return <span class="muted">Node: {state}</span>;
}

function App() {
  const [, setTick] = useState(0);
  useEffect(() => onSessionChange(() => setTick((t) => t + 1)), []);
  const route = useRoute();
  if (currentAdminKey() === null) return <SignIn />;
  const [page, id] = route;
  const current = page === "key" || page === "consumer" ? "keys" : page;
  return (
    <>
      <button type="button" class="skip" onClick={() => document.getElementById("main")?.focus()}>
        Skip to content
      </button>
      <header class="top">
        <span class="brand">Keyroll</span>
        <nav aria-label="Sections">
          <ul>
            {NAV.map(([to, label]) => (
              <li key={to}>
                <a href={`#/${to}`} aria-current={current === to ? "page" : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <Health />
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {page === "key" && id ? (
          <KeyPage id={id} />
        ) : page === "consumer" && id ? (
          <ConsumerPage id={id} />
        ) : page === "rotations" ? (
          <RotationsPage />
        ) : page === "jobs" ? (
          <JobsPage />
        ) : page === "report" ? (
          <ReportPage />
        ) : page === "policies" ? (
          <PoliciesPage />
        ) : page === "alerts" ? (
          <AlertsPage />
        ) : page === "audit" ? (
          <AuditPage />
        ) : page === "webhooks" ? (
          <WebhooksPage />
        ) : (
          <KeysPage />
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
