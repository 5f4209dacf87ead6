// `#/jobs`: bulk rotation jobs (POST /v1/rotation-jobs): their progress, pause / resume / cancel,
// and a new job, always previewed with a dry run before it starts.
import { Fragment } from "preact";
import { useState } from "preact/hooks";
import { all, api, type Consumer, type JobBody, type JobPreview, ok, type RotationJob } from "./api.js";
import { Confirm, ErrorNote, FormDialog, field, Loading, StateBadge, Time, usePoll } from "./ui.js";

type Control = { kind: "pause" | "resume" | "cancel"; job: RotationJob };

function selectorText(s: RotationJob["selector"], consumers: Map<string, Consumer>): string {
  if (s.all) return "every key";
  const parts: string[] = [];
  if (s.consumerId) parts.push(`consumer ${consumers.get(s.consumerId)?.name ?? s.consumerId}`);
  if (s.prefix) parts.push(`prefix ${s.prefix}`);
  if (s.scope) parts.push(`scope ${s.scope}`);
  if (s.olderThan) parts.push(`older than ${s.olderThan}`);
  for (const [k, v] of Object.entries(s.metadata ?? {})) parts.push(`${k}=${String(v)}`);
  return parts.join(", ");
}

const FINISHED = new Set(["completed", "cancelled"]);

export function JobsPage() {
  const { data, error, reload } = usePoll(
    async () => {
      const [jobs, consumers] = await Promise.all([
        all((cursor) => ok(api.GET("/v1/rotation-jobs", { params: { query: { limit: "200", cursor } } }))),
        all((cursor) => ok(api.GET("/v1/consumers", { params: { query: { limit: "200", cursor } } }))),
      ]);
      return { jobs: jobs.reverse(), consumers };
    },
    [],
    2000,
  );
  const [creating, setCreating] = useState(false);
  const [control, setControl] = useState<Control | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const consumers = new Map((data?.consumers ?? []).map((c) => [c.id, c]));
  return (
    <>
      <div class="page-head">
        <h1>Rotation jobs</h1>
        <div class="buttons">
          <button type="button" class="primary" disabled={!data} onClick={() => setCreating(true)}>
            New rotation job
          </button>
        </div>
      </div>
      <p class="muted">
        Rotate every key a selector takes, at a bounded rate, run by the leader. Nobody sees the new secrets:
        clients fetch them by successor pickup during grace, so keys without it are skipped.
      </p>
      <ErrorNote error={error} />
      {!data ? (
        <Loading />
      ) : data.jobs.length === 0 ? (
        <p>No rotation job yet.</p>
      ) : (
        <div class="table-wrap">
          <table class="stack">
            <caption class="sr-only">Rotation jobs, newest first ({data.jobs.length})</caption>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Keys</th>
                <th scope="col">State</th>
                <th scope="col">Progress</th>
                <th scope="col">Rate</th>
                <th scope="col">End</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.jobs.map((j) => {
                const done = j.rotated + j.skipped + j.failed;
                const pct = j.matched === 0 ? 100 : Math.floor((done / j.matched) * 100);
                return (
                  <Fragment key={j.id}>
                    <tr data-job={j.id}>
                      <td data-label="Job">
                        <span class="mono small">{j.id}</span>
                        <div class="small muted">
                          created <Time at={j.createdAt} />
                          {j.createdBy && ` by ${j.createdBy}`}
                          {j.reason && ` · ${j.reason}`}
                        </div>
                      </td>
                      <td data-label="Keys">
                        {selectorText(j.selector, consumers)}
                        <div class="small muted">grace {j.gracePeriod}</div>
                      </td>
                      <td data-label="State">
                        <StateBadge state={j.state} />
                      </td>
                      <td data-label="Progress">
                        <meter min={0} max={100} value={pct} aria-label={`${j.id}: ${pct}% done`} />{" "}
                        <span class="progress">
                          {done} / {j.matched}
                        </span>
                        <div class="small muted">
                          {j.rotated} rotated, {j.skipped} skipped, {j.failed} failed
                        </div>
                      </td>
                      <td data-label="Rate">
                        {j.currentRate === null ? "—" : `${j.currentRate.toFixed(1)}/s`}
                        <div class="small muted">at most {j.rate}/s</div>
                      </td>
                      <td data-label="End">
                        {j.finishedAt ? (
                          <>
                            finished <Time at={j.finishedAt} />
                          </>
                        ) : j.eta ? (
                          <>
                            expected <Time at={j.eta} />
                          </>
                        ) : (
                          "—"
                        )}
                      </td>
                      <td data-label="Actions">
                        <div class="buttons start">
                          {(j.state === "queued" || j.state === "running") && (
                            <button
                              type="button"
                              class="small"
                              aria-label={`Pause ${j.id}`}
                              onClick={() => setControl({ kind: "pause", job: j })}
                            >
                              Pause
                            </button>
                          )}
                          {j.state === "paused" && (
                            <button
                              type="button"
                              class="small"
                              aria-label={`Resume ${j.id}`}
                              onClick={() => setControl({ kind: "resume", job: j })}
                            >
                              Resume
                            </button>
                          )}
                          {!FINISHED.has(j.state) && (
                            <button
                              type="button"
                              class="small danger"
                              aria-label={`Cancel ${j.id}`}
                              onClick={() => setControl({ kind: "cancel", job: j })}
                            >
                              Cancel
                            </button>
                          )}
                          <button
                            type="button"
                            class="small"
                            aria-expanded={open === j.id}
                            aria-label={`${open === j.id ? "Hide" : "Show"} keys of ${j.id}`}
                            onClick={() => setOpen(open === j.id ? null : j.id)}
                          >
                            {open === j.id ? "Hide keys" : "Show keys"}
                          </button>
                        </div>
                      </td>
                    </tr>
                    {open === j.id && (
                      <tr>
                        <td colSpan={7}>
                          <JobItems id={j.id} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {control && (
        <ControlConfirm
          control={control}
          onClose={() => {
            setControl(null);
            void reload();
          }}
        />
      )}
      {creating && data && (
        <NewJob
          consumers={data.consumers}
          onClose={() => {
            setCreating(false);
            void reload();
          }}
        />
      )}
    </>
  );
}

function ControlConfirm(props: { control: Control; onClose: () => void }) {
  const { kind, job } = props.control;
  const left = job.pending;
  const text = {
    pause: `The batch in progress finishes; no other key of ${job.id} is rotated until you resume it. ${left} key(s) are left.`,
    resume: `${job.id} goes on with the ${left} key(s) left, at most ${job.rate} per second.`,
    cancel: `The ${left} key(s) of ${job.id} not rotated yet stay as they are; keys already rotated stay rotated. A cancelled job cannot be resumed.`,
  }[kind];
  return (
    <Confirm
      title={`${kind[0]!.toUpperCase()}${kind.slice(1)} this rotation job?`}
      action={`${kind[0]!.toUpperCase()}${kind.slice(1)} job`}
      danger={kind === "cancel"}
      onClose={props.onClose}
      onConfirm={async () => {
        const params = { params: { path: { id: job.id } }, body: {} };
        if (kind === "pause") await ok(api.POST("/v1/rotation-jobs/{id}/pause", params));
        else if (kind === "resume") await ok(api.POST("/v1/rotation-jobs/{id}/resume", params));
        else await ok(api.POST("/v1/rotation-jobs/{id}/cancel", params));
      }}
    >
      <p>{text}</p>
    </Confirm>
  );
}

function JobItems(props: { id: string }) {
  const id = props.id;
  const { data, error } = usePoll(
    () => ok(api.GET("/v1/rotation-jobs/{id}/keys", { params: { path: { id }, query: { limit: "200" } } })),
    [id],
    3000,
  );
  if (!data) return error ? <ErrorNote error={error} /> : <Loading />;
  return (
    <table>
      <caption class="sr-only">Keys of {id}</caption>
      <thead>
        <tr>
          <th scope="col">Key</th>
          <th scope="col">State</th>
          <th scope="col">Why / new version</th>
          <th scope="col">When</th>
        </tr>
      </thead>
      <tbody>
        {data.data.map((i) => (
          <tr key={i.keyId}>
            <td class="mono small">
              <a href={`#/key/${i.keyId}`}>{i.keyId}</a>
            </td>
            <td>
              <StateBadge state={i.state} />
            </td>
            <td class="small">{i.version !== null ? `v${i.version}` : (i.reason ?? "—")}</td>
            <td>
              <Time at={i.at} />
            </td>
          </tr>
        ))}
      </tbody>
      {data.nextCursor && (
        <tfoot>
          <tr>
            <td colSpan={4} class="muted small">
              The first 200 keys; <code>keyroll jobs show {id}</code> lists all.
            </td>
          </tr>
        </tfoot>
      )}
    </table>
  );
}

/** Step 1: the selector and options, previewed by a dry run. Step 2: what would happen; start. */
function NewJob(props: { consumers: Consumer[]; onClose: () => void }) {
  const [preview, setPreview] = useState<{ body: JobBody; result: JobPreview } | null>(null);
  if (preview) {
    const { body, result } = preview;
    const skips = Object.entries(result.wouldSkip);
    const skipped = skips.reduce((n, [, c]) => n + c, 0);
    const rotate = result.matched - skipped;
    return (
      <FormDialog
        title="Start this rotation job?"
        id="job-start"
        submit={`Start: rotate ${rotate} key${rotate === 1 ? "" : "s"}`}
        disabled={rotate === 0}
        onClose={props.onClose}
        extra={
          <button type="button" onClick={() => setPreview(null)}>
            Back
          </button>
        }
        onSubmit={async () => {
          const { dryRun: _, ...real } = body;
          await ok(api.POST("/v1/rotation-jobs", { body: real }));
          props.onClose();
        }}
      >
        <p role="status">
          Dry run: <strong>{result.matched}</strong> key{result.matched === 1 ? "" : "s"} match
          {skipped > 0 && <>, {skipped} would be skipped</>}. Nothing has changed yet.
        </p>
        {skips.length > 0 && (
          <ul class="small">
            {skips.map(([reason, n]) => (
              <li key={reason}>
                {n} skipped: <code>{reason}</code>
                {reason === "no_successor_pickup" && " (their clients could not fetch the new secret)"}
              </li>
            ))}
          </ul>
        )}
        <p>
          Each of these keys gets a new version, and its current one stays valid for{" "}
          {String(body.gracePeriod)} of grace, at most {body.rate ?? 100} keys per second. The keys are fixed
          now: keys made later are not rotated by this job.
        </p>
        {result.keys.length > 0 && (
          <div class="table-wrap preview">
            <table>
              <caption class="sr-only">Keys the job would take</caption>
              <thead>
                <tr>
                  <th scope="col">Key</th>
                  <th scope="col">Now on</th>
                  <th scope="col">Would be</th>
                </tr>
              </thead>
              <tbody>
                {result.keys.slice(0, 50).map((k) => (
                  <tr key={k.id}>
                    <td class="small">{k.name ?? <span class="mono">{k.id}</span>}</td>
                    <td>{k.version === null ? "—" : `v${k.version}`}</td>
                    <td class="small">{k.skip ? `skipped: ${k.skip}` : "rotated"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {(result.keys.length > 50 || result.truncated) && (
              <p class="muted small">The first 50 are listed.</p>
            )}
          </div>
        )}
      </FormDialog>
    );
  }
  return (
    <FormDialog
      title="New rotation job"
      id="job-new"
      submit="Preview (dry run)"
      onClose={props.onClose}
      onSubmit={async (f) => {
        const selector: JobBody["selector"] = {};
        if (f.get("all") === "on") selector.all = true;
        if (field(f, "consumerId")) selector.consumerId = field(f, "consumerId");
        if (field(f, "prefix")) selector.prefix = field(f, "prefix");
        if (field(f, "scope")) selector.scope = field(f, "scope");
        if (field(f, "olderThan")) selector.olderThan = field(f, "olderThan");
        if (Object.keys(selector).length === 0)
          throw new Error("Choose which keys: a consumer, a prefix, a scope, an age, or every key.");
        const body: JobBody = {
          selector,
          gracePeriod: field(f, "grace"),
          requirePickup: f.get("requirePickup") === "on",
          dryRun: true,
        };
        if (field(f, "rate")) body.rate = Number(field(f, "rate"));
        if (field(f, "reason")) body.reason = field(f, "reason");
        const result = await ok(api.POST("/v1/rotation-jobs", { body }));
        setPreview({ body, result: result as JobPreview });
      }}
    >
      <p>Every field you fill must match. Admin, revoked and expired keys are never taken.</p>
      <fieldset>
        <legend>Which keys</legend>
        <label for="j-consumer">Consumer</label>
        <select id="j-consumer" name="consumerId">
          <option value="">Any consumer</option>
          {props.consumers.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.id})
            </option>
          ))}
        </select>
        <label for="j-older">Current secret at least this old (optional)</label>
        <input id="j-older" name="olderThan" placeholder="90d" pattern="^[0-9]+[smhd]?$" />
        <label for="j-scope">Carrying this scope (optional)</label>
        <input id="j-scope" name="scope" placeholder="orders:write" />
        <label for="j-prefix">Secret prefix (optional)</label>
        <input id="j-prefix" name="prefix" placeholder="kr_live" />
        <label class="check">
          <input type="checkbox" name="all" /> Every key (leave the fields above empty)
        </label>
      </fieldset>
      <label for="j-grace">Grace period of the old versions</label>
      <input id="j-grace" name="grace" required defaultValue="7d" pattern="^[0-9]+[smhd]?$" />
      <label for="j-rate">At most this many keys per second (optional, default 100)</label>
      <input id="j-rate" name="rate" type="number" min="0.01" max="100000" step="any" placeholder="100" />
      <label for="j-reason">Reason (optional, recorded in the audit log)</label>
      <input id="j-reason" name="reason" maxLength={500} />
      <label class="check">
        <input type="checkbox" name="requirePickup" defaultChecked /> Skip keys whose clients cannot fetch the
        new secret (successor pickup off)
      </label>
    </FormDialog>
  );
}
