import { ApiError, TransportError } from '../../src/cloud/api-errors.js'
import type { Blueprint, Copy, LighthouseApi, Quota } from '../../src/cloud/lighthouse.js'

/** A LighthouseApi in memory, for unit tests of the share logic. */
export class FakeLighthouse implements LighthouseApi {
  /** States DescribeBlueprints answers with, one per call; the last one repeats. */
  states: string[] = ['NORMAL']
  type = 'PRIVATE'
  exists = true
  readonly shared = new Set<string>()
  /** Accounts the API refuses, with the per-account code. */
  readonly refused = new Map<string, string>()
  /** What the next share calls do instead of answering: one entry per call. */
  readonly shareFaults: ('lost' | 'lost-after-sharing' | 'state-invalid')[] = []
  /** When set, every read of the shares after the first fails with it (a check that cannot be made). */
  findFault?: Error
  /** When set, the share list cannot be read: a site without the read, or CAM refusing it. */
  listFault?: ApiError
  readonly calls: string[] = []
  readonly shareCalls: string[][] = []
  readonly cancelCalls: string[][] = []
  private requestCount = 0

  /** The share logic never converts a CVM image: a test that reached these would be wrong. */
  describeImageToShare(): Promise<undefined> {
    return Promise.reject(new Error('FakeLighthouse does not convert CVM images.'))
  }

  setName(): Promise<string> {
    return Promise.reject(new Error('FakeLighthouse does not rename images.'))
  }

  shareImageToLighthouse(): Promise<{ requestId: string }> {
    return Promise.reject(new Error('FakeLighthouse does not convert CVM images.'))
  }

  async describeBlueprint(): Promise<Blueprint | undefined> {
    this.calls.push('describe')
    const state = this.states.length > 1 ? this.states.shift()! : this.states[0]
    return this.exists
      ? {
          id: 'lhbp-6jc6l8yb',
          state,
          type: this.type,
          name: 'golden',
          nameAsGiven: 'golden',
          description: '',
          createdAt: 0,
          createdTime: '1970-01-01T00:00:00Z',
          imageId: ''
        }
      : undefined
  }

  async listSharedAccounts(): Promise<string[]> {
    this.calls.push('list')
    if (this.listFault) throw this.listFault
    return [...this.shared]
  }

  async findSharedAccounts(_id: string, accountIds: readonly string[]): Promise<string[]> {
    this.calls.push('find')
    if (this.findFault) throw this.findFault
    return accountIds.filter((a) => this.shared.has(a))
  }

  async cancelShare(_id: string, accountIds: readonly string[]): Promise<string> {
    this.calls.push('cancel')
    this.cancelCalls.push([...accountIds])
    const requestId = `req-${++this.requestCount}`
    this.throwIfRefused('CancelShareBlueprintAcrossAccounts', accountIds, requestId)
    if (accountIds.some((a) => !this.shared.has(a))) {
      throw new ApiError(
        'CancelShareBlueprintAcrossAccounts',
        'UnsupportedOperation.BlueprintHasNotShared',
        'not shared',
        requestId
      )
    }
    for (const a of accountIds) this.shared.delete(a)
    return requestId
  }

  async shareBlueprint(_id: string, accountIds: readonly string[]): Promise<string> {
    this.calls.push('share')
    this.shareCalls.push([...accountIds])
    const requestId = `req-${++this.requestCount}`
    const fault = this.shareFaults.shift()
    if (fault === 'lost') throw new TransportError('ShareBlueprintAcrossAccounts', 'socket hang up')
    if (fault === 'state-invalid') {
      throw new ApiError(
        'ShareBlueprintAcrossAccounts',
        'UnsupportedOperation.BlueprintCurStateInvalid',
        'state',
        requestId
      )
    }
    this.throwIfRefused('ShareBlueprintAcrossAccounts', accountIds, requestId)
    if (accountIds.some((a) => this.shared.has(a))) {
      throw new ApiError(
        'ShareBlueprintAcrossAccounts',
        'UnsupportedOperation.BlueprintAlreadyShared',
        'shared',
        requestId
      )
    }
    for (const a of accountIds) this.shared.add(a)
    if (fault === 'lost-after-sharing')
      throw new TransportError('ShareBlueprintAcrossAccounts', 'timeout')
    return requestId
  }

  /** One region: no copies here (the emulator plays SyncBlueprint end to end). */
  async listCustomImages(): Promise<Blueprint[]> {
    this.calls.push('list-images')
    return []
  }

  async setDescription(): Promise<string> {
    this.calls.push('set-description')
    throw new Error('ModifyBlueprintAttribute is not in this fake')
  }

  async syncBlueprint(): Promise<Copy[]> {
    this.calls.push('sync')
    throw new Error('SyncBlueprint is not in this fake')
  }

  async deleteBlueprint(): Promise<string> {
    this.calls.push('delete')
    throw new Error('DeleteBlueprints is not in this fake')
  }

  async blueprintQuota(): Promise<Quota> {
    this.calls.push('quota')
    throw new Error('DescribeGeneralResourceQuotas is not in this fake')
  }

  /** Like the API: a call with any refused account fails whole, naming none. */
  private throwIfRefused(action: string, accountIds: readonly string[], requestId: string): void {
    const refused = accountIds.find((a) => this.refused.has(a))
    if (refused) throw new ApiError(action, this.refused.get(refused)!, 'refused', requestId)
  }
}
