/**
 * The contract's logic of which bills a payment reaches, for the proxy (NEA v2's commit) and the widgets' steps
 * after the lookup: apart from fields.ts, which the widgets' first load imports, so it stays out of that load.
 * api.ts re-exports it.
 */

/**
 * The bills (oldest first) that an amount reaches, fully or in part, paying oldest first: what an NEA v2
 * payment pays (its commit's `bill_id`, the receipt's bills). None for an advance with no bill due.
 */
export function billsReached<B extends { payable_paisa: number }>(bills: B[], amountPaisa: number): B[] {
  const reached: B[] = [];
  let before = 0;
  for (const b of bills) {
    if (before >= amountPaisa) break;
    reached.push(b);
    before += b.payable_paisa;
  }
  return reached;
}
