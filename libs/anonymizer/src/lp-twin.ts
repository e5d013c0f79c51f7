import { Worker } from 'node:worker_threads';

/**
 * A second HiGHS, in a worker thread, for the one pair of linear programs in the audit that
 * are independent of each other and long: an aggregated round's maximum and minimum of one
 * weighted sum over a large component, both by interior point (audit.ts). The twin solves
 * the maximum on its own copy of the component's model while the main thread solves the
 * minimum; on two cores a round then takes the longer of the two instead of their sum (the
 * final audit of the benchmark's 10,000-cell table: 3.6 to 4.0 s instead of 4.6 to 4.8 s).
 *
 * An interior point solve carries nothing over from the solves before it, so the twin's
 * maximum is the one the main thread would have found, and the main model ends the round
 * with the minimum's basis, as before. The audit waits for both and takes them in the order
 * max, min: its verdicts, intervals, points and LP count are those of the audit without a
 * twin (lp-twin.spec.ts). Where a worker cannot be started (no worker threads, a failed load
 * of HiGHS in it) or dies, or the caller says so (AuditOptions.twin), the audit solves both
 * on the main thread.
 *
 * The worker runs `twinMain`, turned into source text: it must stay self-contained (no
 * imports, no outer variables; `require` is the worker's own) and in plain JavaScript
 * constructs the compiler leaves as they are.
 */
export interface TwinSolution {
  readonly status: 'optimal' | 'infeasible' | 'other';
  readonly x?: Float64Array;
  readonly value?: number;
}

interface TwinReply {
  id: number;
  status?: 'optimal' | 'infeasible' | 'other';
  x?: Float64Array;
  value?: number;
  error?: string;
}

/** Messages to the twin, in the order it answers them (one at a time). */
type TwinRequest =
  | { op: 'open'; model: number; starts: Int32Array; indices: Int32Array; rhs: Float64Array; n: number }
  | { op: 'solve'; id: number; model: number; costs: Float64Array; sense: 'min' | 'max'; tolerance: number }
  | { op: 'close'; model: number };

/* eslint-disable @typescript-eslint/no-require-imports -- the worker's own require: this function runs as source text in the worker */
function twinMain(): void {
  const threads = require('node:worker_threads') as typeof import('node:worker_threads');
  const load = require((threads.workerData as { highsPath: string }).highsPath) as () => Promise<import('highs').Highs>;
  const port = threads.parentPort as import('node:worker_threads').MessagePort;
  const ready = load();
  const models = new Map<number, import('highs').Model>();
  port.on('message', (msg: TwinRequest) => {
    ready
      .then((highs) => {
        if (msg.op === 'open') {
          const { n, rhs } = msg;
          const model = highs.createModel({
            numCols: n,
            numRows: rhs.length,
            colCost: new Float64Array(n),
            colLower: new Float64Array(n),
            colUpper: new Float64Array(n).fill(highs.infinity),
            rowLower: rhs,
            rowUpper: rhs,
            matrix: { format: 'csr', numRows: rhs.length, numCols: n, starts: msg.starts, indices: msg.indices, values: new Float64Array(msg.indices.length).fill(1) },
          });
          model.options.set({ output_flag: false, simplex_iteration_limit: 1000000, simplex_strategy: 4, solver: 'ipm', presolve: 'on' });
          models.set(msg.model, model);
          return;
        }
        if (msg.op === 'close') {
          models.get(msg.model)?.dispose();
          models.delete(msg.model);
          return;
        }
        const model = models.get(msg.model);
        if (!model) throw new Error('no such model');
        model.options.set({ ipm_optimality_tolerance: msg.tolerance });
        model.changeColsCost({ kind: 'range', from: 0, to: msg.costs.length - 1 }, msg.costs);
        model.changeObjectiveSense(msg.sense === 'max' ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize);
        model.run();
        const status = model.getModelStatus();
        if (status === highs.constants.modelStatus.infeasible) port.postMessage({ id: msg.id, status: 'infeasible' });
        else if (status !== highs.constants.modelStatus.optimal) port.postMessage({ id: msg.id, status: 'other' });
        else {
          const x = Float64Array.from(model.getSolution().colValue);
          port.postMessage({ id: msg.id, status: 'optimal', x, value: model.getObjectiveValue() }, [x.buffer]);
        }
      })
      .catch((err: unknown) => port.postMessage({ id: msg.op === 'solve' ? msg.id : -1, error: err instanceof Error ? err.message : String(err) }));
  });
}
/* eslint-enable @typescript-eslint/no-require-imports */

export class LpTwin {
  private static instance: LpTwin | null | undefined;
  /** Solves answered so far (tests check that the twin was used). */
  solved = 0;
  private readonly pending = new Map<number, { resolve: (r: TwinSolution) => void; reject: (err: Error) => void }>();
  private nextId = 1;
  private nextModel = 1;
  private dead = false;

  private constructor(private readonly worker: Worker) {
    worker.unref();
    worker.on('message', (m: TwinReply) => this.settle(m));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', () => this.fail(new Error('LP twin stopped')));
  }

  /**
   * The process's twin, started on first use (unreferenced: it never keeps a process alive
   * while idle); null where it cannot run, or once it has failed: the caller then solves alone.
   */
  static shared(): LpTwin | null {
    if (LpTwin.instance === undefined) {
      try {
        const worker = new Worker(`(${twinMain.toString()})()`, { eval: true, workerData: { highsPath: require.resolve('highs') } });
        LpTwin.instance = new LpTwin(worker);
      } catch {
        LpTwin.instance = null;
      }
    }
    return LpTwin.instance && !LpTwin.instance.dead ? LpTwin.instance : null;
  }

  /** Loads a component's equality model { x >= 0, A x = b } (rows of 1s, CSR) into the twin; returns its handle. */
  open(starts: Int32Array, indices: Int32Array, rhs: Float64Array, n: number): number {
    const model = this.nextModel++;
    const msg: TwinRequest = { op: 'open', model, starts, indices, rhs, n };
    this.worker.postMessage(msg);
    return model;
  }

  /** Optimises costs . x on the twin's model by interior point (with crossover) at the given optimality tolerance. */
  solve(model: number, costs: Float64Array, sense: 'min' | 'max', tolerance: number): Promise<TwinSolution> {
    if (this.dead) return Promise.reject(new Error('LP twin stopped'));
    const id = this.nextId++;
    return new Promise<TwinSolution>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // kept alive while an answer is awaited, and only then
      if (this.pending.size === 1) this.worker.ref();
      const msg: TwinRequest = { op: 'solve', id, model, costs, sense, tolerance };
      this.worker.postMessage(msg);
    });
  }

  close(model: number): void {
    const msg: TwinRequest = { op: 'close', model };
    if (!this.dead) this.worker.postMessage(msg);
  }

  private settle(m: TwinReply): void {
    // an error outside a solve (loading HiGHS, opening a model): the twin is not to be trusted any more
    if (m.id < 0) return this.fail(new Error(`LP twin: ${m.error ?? 'failed'}`));
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.worker.unref();
    if (m.error !== undefined) {
      this.fail(new Error(`LP twin: ${m.error}`));
      p.reject(new Error(`LP twin: ${m.error}`));
    } else {
      this.solved++;
      p.resolve({ status: m.status ?? 'other', x: m.x, value: m.value });
    }
  }

  private fail(err: Error): void {
    if (this.dead) return;
    this.dead = true;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.worker.unref();
    void this.worker.terminate();
  }
}
