// Rotation policies: the one in effect and where it comes from, and the form that sets one. The
// same panel serves a key (its own policy), a consumer (the default of its keys) and the global
// default (PUT/DELETE /v1/keys/:id/policy, /v1/consumers/:id/policy, /v1/policies/default).
import { useState } from "preact/hooks";
import { api, type EffectivePolicy, ok, type Policy, type PolicyInput } from "./api.js";
import { Confirm, ErrorNote, FormDialog, field, Loading, Time, usePoll } from "./ui.js";

type Level = "key" | "consumer" | "default";

const DAYS = [
  ["mon", "Monday"],
  ["tue", "Tuesday"],
  ["wed", "Wednesday"],
  ["thu", "Thursday"],
  ["fri", "Friday"],
  ["sat", "Saturday"],
  ["sun", "Sunday"],
] as const;
const DURATION = "^[0-9]+[smhd]?$";
const CLOCK = "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$";

/** "every 90d, 7d of grace, switching sat, sun 02:00–05:00 UTC, …" */
export function policyText(p: Policy): string {
  const parts = [`every ${p.interval}`, `${p.gracePeriod} of grace`];
  if (p.window)
    parts.push(
      `switching ${p.window.days.join(", ")} ${p.window.start}–${p.window.end} ${p.window.timeZone}`,
    );
  if (p.activateAfter) parts.push(`new version made ${p.activateAfter} ahead (phased activation)`);
  if (p.retireWhenUnusedFor) parts.push(`old version retired once unused for ${p.retireWhenUnusedFor}`);
  if (p.extendWhileInUse)
    parts.push(`grace extended while in use, by ${p.extendWhileInUse.step} up to ${p.extendWhileInUse.max}`);
  return parts.join(", ");
}

const OWN: Record<Level, string> = {
  key: "this key's policy",
  consumer: "this consumer's policy",
  default: "the global default",
};

function SourceText(props: { source: EffectivePolicy["source"]; level: Level; consumerId?: string }) {
  if (props.source === props.level)
    return <>{props.level === "default" ? "the global default" : OWN[props.level]}</>;
  if (props.source === "consumer")
    return props.consumerId ? (
      <a href={`#/consumer/${props.consumerId}`}>its consumer's policy</a>
    ) : (
      <>its consumer's policy</>
    );
  if (props.source === "default") return <a href="#/policies">the global default</a>;
  return <>the key's own policy</>;
}

/** The policy in effect, its source, the next rotation, and buttons to set or remove one at `level`. */
export function PolicyPanel(props: {
  level: Level;
  own: Policy | null;
  effective: EffectivePolicy | null;
  consumerId?: string;
  nextRotationAt?: string | null;
  blocked?: string | null;
  /** Admin keys and the admin consumer follow no policy (409 POLICY_NOT_ALLOWED). */
  canSet?: boolean;
  save: (p: PolicyInput | null) => Promise<void>;
}) {
  const [dialog, setDialog] = useState<null | "set" | "clear">(null);
  const { level, effective } = props;
  const hid = `policy-${level}-h`;
  return (
    <section aria-labelledby={hid} class="policy">
      <h2 id={hid}>{level === "default" ? "Global default policy" : "Rotation policy"}</h2>
      {effective ? (
        <p data-testid="policy-effective">
          <strong>In effect:</strong> {policyText(effective)}. From{" "}
          <SourceText source={effective.source} level={level} consumerId={props.consumerId} />.
        </p>
      ) : (
        <p data-testid="policy-effective">
          No rotation policy applies
          {level === "key" ? ": this key rotates only when someone rotates it." : "."}
        </p>
      )}
      {level === "key" && (
        <p>
          Next policy rotation:{" "}
          {props.nextRotationAt ? (
            <>
              <Time at={props.nextRotationAt} /> ({new Date(props.nextRotationAt).toLocaleString()})
            </>
          ) : (
            "none planned"
          )}
          {props.blocked && <strong class="warn"> Blocked: {props.blocked}</strong>}
        </p>
      )}
      {level === "consumer" && props.own === null && effective && (
        <p class="muted small">This consumer has no policy of its own: its keys follow the global default.</p>
      )}
      {props.canSet !== false && (
        <div class="buttons start">
          <button type="button" onClick={() => setDialog("set")}>
            {props.own ? `Change ${OWN[level]}` : `Set ${OWN[level]}`}
          </button>
          {props.own && (
            <button type="button" class="danger" onClick={() => setDialog("clear")}>
              Remove {OWN[level]}
            </button>
          )}
        </div>
      )}
      {dialog === "set" && (
        <PolicyDialog
          title={props.own ? `Change ${OWN[level]}` : `Set ${OWN[level]}`}
          level={level}
          initial={props.own ?? effective}
          onClose={() => setDialog(null)}
          onSave={async (p) => {
            await props.save(p);
            setDialog(null);
          }}
        />
      )}
      {dialog === "clear" && (
        <Confirm
          title={`Remove ${OWN[level]}?`}
          action="Remove policy"
          danger
          onClose={() => setDialog(null)}
          onConfirm={() => props.save(null)}
        >
          <p>
            {level === "key"
              ? "The key follows its consumer's policy again, or the global default, or none."
              : level === "consumer"
                ? "Its keys without a policy of their own follow the global default again, or none."
                : "Keys whose consumer has no policy rotate only when someone rotates them."}{" "}
            Versions already made stay as they are. The change is audited.
          </p>
        </Confirm>
      )}
    </section>
  );
}

function PolicyDialog(props: {
  title: string;
  level: Level;
  initial: Policy | null;
  onClose: () => void;
  onSave: (p: PolicyInput) => Promise<void>;
}) {
  const p = props.initial;
  const [windowOn, setWindowOn] = useState(p?.window != null);
  const w = p?.window;
  return (
    <FormDialog
      title={props.title}
      id="policy"
      submit="Save policy"
      onClose={props.onClose}
      onSubmit={async (f) => {
        const opt = (n: string) => field(f, n) || null;
        const days = f.getAll("day").map(String) as NonNullable<PolicyInput["window"]>["days"];
        if (windowOn && days.length === 0) throw new Error("Pick at least one day for the window.");
        const max = field(f, "extendMax");
        await props.onSave({
          interval: field(f, "interval"),
          gracePeriod: field(f, "grace"),
          window: windowOn
            ? {
                days,
                start: field(f, "start"),
                end: field(f, "end"),
                timeZone: field(f, "timeZone") || "UTC",
              }
            : null,
          activateAfter: opt("activateAfter"),
          retireWhenUnusedFor: opt("retireUnused"),
          extendWhileInUse: max
            ? { max, ...(field(f, "extendStep") && { step: field(f, "extendStep") }) }
            : null,
        });
      }}
    >
      <p>
        {props.level === "key"
          ? "This key's own policy wins over its consumer's and the global default."
          : props.level === "consumer"
            ? "For each key of this consumer without a policy of its own."
            : "For every key whose consumer has no policy (admin keys never follow it)."}{" "}
        The leader rotates a key when the interval has passed since its last rotation; holders of the old
        secret pick up the new one during grace.
      </p>
      <label for="p-interval">Rotate every</label>
      <input
        id="p-interval"
        name="interval"
        required
        defaultValue={p?.interval ?? "90d"}
        pattern={DURATION}
        aria-describedby="p-dur-help"
      />
      <label for="p-grace">Grace period</label>
      <input
        id="p-grace"
        name="grace"
        required
        defaultValue={p?.gracePeriod ?? "7d"}
        pattern={DURATION}
        aria-describedby="p-dur-help"
      />
      <p id="p-dur-help" class="muted small">
        Durations: 30m, 2h, 7d, 90d
      </p>
      <fieldset>
        <legend>Maintenance window (optional)</legend>
        <label class="check">
          <input
            type="checkbox"
            name="windowOn"
            checked={windowOn}
            onChange={(e) => setWindowOn(e.currentTarget.checked)}
          />{" "}
          Switch to the new version only inside a window
        </label>
        {windowOn && (
          <>
            <fieldset class="days">
              <legend>Days</legend>
              {DAYS.map(([d, name]) => (
                <label key={d} class="check">
                  <input
                    type="checkbox"
                    name="day"
                    value={d}
                    defaultChecked={w ? w.days.includes(d) : d === "sat" || d === "sun"}
                  />{" "}
                  {name}
                </label>
              ))}
            </fieldset>
            <div class="row">
              <div>
                <label for="p-start">From (HH:MM)</label>
                <input
                  id="p-start"
                  name="start"
                  required
                  pattern={CLOCK}
                  defaultValue={w?.start ?? "02:00"}
                />
              </div>
              <div>
                <label for="p-end">Until (HH:MM)</label>
                <input id="p-end" name="end" required pattern={CLOCK} defaultValue={w?.end ?? "05:00"} />
              </div>
            </div>
            <label for="p-tz">Time zone</label>
            <input
              id="p-tz"
              name="timeZone"
              defaultValue={w?.timeZone ?? "UTC"}
              placeholder="UTC or Europe/Berlin"
            />
          </>
        )}
      </fieldset>
      <label for="p-activate">Phased activation: make the new version this long ahead (optional)</label>
      <input
        id="p-activate"
        name="activateAfter"
        defaultValue={p?.activateAfter ?? ""}
        pattern={DURATION}
        placeholder="1d"
      />
      <label for="p-retire">Retire the old version early once unused for (optional)</label>
      <input
        id="p-retire"
        name="retireUnused"
        defaultValue={p?.retireWhenUnusedFor ?? ""}
        pattern={DURATION}
        placeholder="2h"
      />
      <div class="row">
        <div>
          <label for="p-extend">Extend grace while in use, up to (optional)</label>
          <input
            id="p-extend"
            name="extendMax"
            defaultValue={p?.extendWhileInUse?.max ?? ""}
            pattern={DURATION}
            placeholder="14d"
          />
        </div>
        <div>
          <label for="p-step">by steps of</label>
          <input
            id="p-step"
            name="extendStep"
            defaultValue={p?.extendWhileInUse?.step ?? ""}
            pattern={DURATION}
            placeholder="1d"
          />
        </div>
      </div>
    </FormDialog>
  );
}

/** `#/policies`: the global default, for keys whose consumer has no policy. */
export function PoliciesPage() {
  const { data, error, reload } = usePoll(() => ok(api.GET("/v1/policies/default")), [], 10_000);
  return (
    <>
      <h1>Rotation policies</h1>
      <p class="muted">
        A key follows its own policy, else its consumer's, else the global default below. Set a key's policy
        on its page and a consumer's on the consumer's page. Admin keys follow none.
      </p>
      <ErrorNote error={error} />
      {!data ? (
        <Loading />
      ) : (
        <>
          <PolicyPanel
            level="default"
            own={data.policy}
            effective={data.policy && { ...data.policy, source: "default" }}
            save={async (p) => {
              await (p
                ? ok(api.PUT("/v1/policies/default", { body: p }))
                : ok(api.DELETE("/v1/policies/default")));
              await reload();
            }}
          />
          {data.updatedAt && (
            <p class="muted small">
              Last changed <Time at={data.updatedAt} />. Every change is in the{" "}
              <a href="#/audit">audit log</a> (policy.set, policy.cleared).
            </p>
          )}
          <p>
            <a href="#/report">Key-age report</a>: which keys are past their policy's age, in grace, without a
            policy, never rotated.
          </p>
        </>
      )}
    </>
  );
}
