import type { File, Reporter, Task } from "vitest";

function collect(tasks: Task[], acc: { passed: number; failed: number; skipped: number }): void {
  for (const t of tasks) {
    if (t.type === "suite") collect(t.tasks, acc);
    else if (t.mode === "skip" || t.mode === "todo") acc.skipped++;
    else if (t.result?.state === "pass") acc.passed++;
    else if (t.result?.state === "fail") acc.failed++;
  }
}

/** Prints the plain closing line CI reads: "N passed, N failed, N skipped". */
export class SummaryReporter implements Reporter {
  onFinished(files: File[] = []): void {
    const acc = { passed: 0, failed: 0, skipped: 0 };
    for (const f of files) {
      if (f.result?.state === "fail" && f.tasks.length === 0) acc.failed++;
      collect(f.tasks, acc);
    }
    process.stdout.write(`\n${acc.passed} passed, ${acc.failed} failed, ${acc.skipped} skipped\n`);
  }
}
