// The floor: the fewest API calls a share can take, made one after another with
// nothing but node:crypto and fetch (no SDK, no toolkit). `npm run bench` runs it
// against the same emulator as the action, to show what the action adds.
import { createHash, createHmac } from 'node:crypto'

const env = process.env
const endpoint = new URL(env.FLOOR_ENDPOINT)
let blueprintId = env.FLOOR_BLUEPRINT_ID
const accountIds = env.FLOOR_ACCOUNT_IDS.split(',')

const sha256 = (text) => createHash('sha256').update(text).digest('hex')
const hmac = (key, text) => createHmac('sha256', key).update(text).digest()

async function call(action, params) {
  const body = JSON.stringify(params)
  const timestamp = Math.floor(Date.now() / 1000)
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10)
  const canonical = `POST\n/\n\ncontent-type:application/json\nhost:${endpoint.hostname}\n\ncontent-type;host\n${sha256(body)}`
  const scope = `${date}/lighthouse/tc3_request`
  const signingKey = hmac(
    hmac(hmac(`TC3${env.FLOOR_SECRET_KEY}`, date), 'lighthouse'),
    'tc3_request'
  )
  const signature = hmac(
    signingKey,
    `TC3-HMAC-SHA256\n${timestamp}\n${scope}\n${sha256(canonical)}`
  ).toString('hex')
  const response = await fetch(endpoint, {
    method: 'POST',
    body,
    headers: {
      'Content-Type': 'application/json',
      'X-TC-Action': action,
      'X-TC-Version': '2020-03-24',
      'X-TC-Region': env.FLOOR_REGION,
      'X-TC-Timestamp': String(timestamp),
      Authorization: `TC3-HMAC-SHA256 Credential=${env.FLOOR_SECRET_ID}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`
    }
  })
  const { Response: answer } = await response.json()
  if (answer.Error) throw new Error(`${action}: ${answer.Error.Code}: ${answer.Error.Message}`)
  return answer
}

// From a CVM image: the blueprint made before, else a check and the conversion.
if (env.FLOOR_IMAGE_ID) {
  const { BlueprintSet } = await call('DescribeBlueprints', {
    Filters: [{ Name: 'blueprint-type', Values: ['PRIVATE'] }],
    Limit: 100
  })
  const made = BlueprintSet.find((image) => image.ImageId === env.FLOOR_IMAGE_ID)
  if (made) blueprintId = made.BlueprintId
  else {
    const { ImageSet } = await call('DescribeImagesToShare', { ImageIds: [env.FLOOR_IMAGE_ID] })
    if (!ImageSet[0]?.IsShareable) throw new Error(`${env.FLOOR_IMAGE_ID} cannot be shared`)
    const converted = await call('ModifyImageSharePermission', {
      ImageId: env.FLOOR_IMAGE_ID,
      Permission: 'SHARE'
    })
    blueprintId = converted.BlueprintId
  }
}

// Wait for NORMAL, reading at most once a second.
for (;;) {
  const { BlueprintSet } = await call('DescribeBlueprints', { BlueprintIds: [blueprintId] })
  if (BlueprintSet[0]?.BlueprintState === 'NORMAL') break
  await new Promise((resolve) => setTimeout(resolve, 1000))
}

const shared = new Set()
for (let offset = 0; ; offset += 100) {
  const page = await call('DescribeBlueprintsShareAcrossAccountInfos', {
    BlueprintIds: [blueprintId],
    Offset: offset,
    Limit: 100
  })
  for (const info of page.BlueprintShareAcrossAccountInfoSet) shared.add(info.AccountId)
  if (offset + 100 >= page.TotalCount) break
}

const toShare = accountIds.filter((id) => !shared.has(id))
for (let start = 0; start < toShare.length; start += 10) {
  await call('ShareBlueprintAcrossAccounts', {
    BlueprintId: blueprintId,
    AccountIds: toShare.slice(start, start + 10)
  })
}
