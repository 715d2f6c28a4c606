/** A delivery that cannot be applied as it stands (SPEC §7: 422, recorded as `rejected`, replayable). */
export class DeliveryRejected extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The hypervisor a source's host stands for: its map entry, else the host itself if it names one. */
export async function placeHost(
  hypervisors: Readonly<Record<string, string>>,
  host: string | null,
  vm: number | string,
  exists: (id: string) => Promise<boolean>,
): Promise<string> {
  if (host === null)
    throw new DeliveryRejected(
      'unknown-hypervisor',
      `VM ${vm} has neither a device nor a cluster to place it on`,
    );
  const id = hypervisors[host] ?? host;
  if (!(await exists(id)))
    throw new DeliveryRejected(
      'unknown-hypervisor',
      `host "${host}" maps to no hypervisor: add it to the source's hypervisors map`,
      { host, hypervisor: id },
    );
  return id;
}
