/** Whether a process exists (EPERM: it does, but belongs to another user, e.g. PostgreSQL's `postgres`). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
