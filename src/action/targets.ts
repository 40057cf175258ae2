/** The share targets the settings ask for: the listed accounts, and the organization's members. */
import { listedAccounts } from '../sharing/targets/listed.js'
import { organizationMembers } from '../sharing/targets/organization.js'
import type { TargetSource } from '../sharing/targets/target-source.js'
import type { Clients } from './connect.js'
import type { Settings } from './inputs/settings.js'

export function targetSources(settings: Settings, clients: Clients): TargetSource[] {
  const { listed, organizationUnits } = settings.targets
  const { organization } = clients
  return [
    listedAccounts(listed),
    ...(organization && organizationUnits
      ? [organizationMembers(organization.api, organizationUnits, organization.ownerAccount)]
      : [])
  ]
}
