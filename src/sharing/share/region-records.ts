/** Every region's record of a run, kept in one place: a run that fails half-way still reports each one. */
import { RegionRecord, type CopyOrigin } from './region-record.js'

export interface RecordDefaults {
  identity: string
  /** The accounts asked about in every region: those to share with, then those to revoke from. */
  accountIds: readonly string[]
  dryRun: boolean
  sources?: ReadonlyMap<string, string>
}

export class RegionRecords {
  private readonly byRegion = new Map<string, RegionRecord>()

  constructor(private readonly defaults: RecordDefaults) {}

  /** The region's record: made the first time, the same one after. */
  open(region: string, blueprintId: string, origin?: CopyOrigin): RegionRecord {
    let record = this.byRegion.get(region)
    if (!record) {
      record = new RegionRecord({ ...this.defaults, region, blueprintId, origin })
      this.byRegion.set(region, record)
    }
    return record
  }

  /** Every region's record, in the order they were opened. */
  get all(): RegionRecord[] {
    return [...this.byRegion.values()]
  }
}
