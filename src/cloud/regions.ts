/** Lighthouse's regions, as Tencent documents them: one list, which the emulator plays too. */

/** Regions where ShareBlueprintAcrossAccounts is offered, from the API document. */
export const LIGHTHOUSE_REGIONS: readonly string[] = [
  'ap-bangkok',
  'ap-beijing',
  'ap-chengdu',
  'ap-guangzhou',
  'ap-hongkong',
  'ap-jakarta',
  'ap-nanjing',
  'ap-seoul',
  'ap-shanghai',
  'ap-singapore',
  'ap-tokyo',
  'eu-frankfurt',
  'na-ashburn',
  'na-siliconvalley',
  'sa-saopaulo'
]

/** The Chinese mainland: SyncBlueprint does not copy between these regions and any other. */
export const MAINLAND_REGIONS: readonly string[] = [
  'ap-beijing',
  'ap-chengdu',
  'ap-guangzhou',
  'ap-nanjing',
  'ap-shanghai'
]

/** Whether an image can be copied between two regions: not across the mainland border. */
export function copiesBetween(from: string, to: string): boolean {
  return MAINLAND_REGIONS.includes(from) === MAINLAND_REGIONS.includes(to)
}
