import { describe, expect, jest, test } from '@jest/globals'
import { InputError } from '../../src/action/inputs/names.js'
import { listItems, parseAccountIds, parseEndpoint } from '../../src/action/inputs/parse.js'
import { nearestRegion } from '../../src/action/inputs/region.js'
import { readShareInputs, type GetInput } from '../helpers/settings.js'

const inputs =
  (values: Record<string, string>): GetInput =>
  (name) =>
    values[name] ?? ''

const valid = {
  'blueprint-id': 'lhbp-6jc6l8yb',
  'account-ids': '700000164995',
  region: 'ap-guangzhou'
}

describe('readShareInputs', () => {
  test('reads every input and applies the defaults', () => {
    expect(readShareInputs(inputs(valid), {}, jest.fn())).toEqual({
      blueprintId: 'lhbp-6jc6l8yb',
      accountIds: ['700000164995'],
      revokeAccountIds: [],
      revokeUnlisted: false,
      dryRun: false,
      failOnDrift: false,
      region: 'ap-guangzhou',
      endpoint: {
        protocol: 'https://',
        host: 'lighthouse.intl.tencentcloudapi.com',
        source: 'input "endpoint"'
      },
      language: 'en-US',
      waitTimeoutSeconds: 1800,
      onAccountError: 'fail',
      maskAccountIds: false,
      copyToRegions: []
    })
  })

  test('fail-on-drift goes with dry-run, and is refused without it, naming both inputs', () => {
    const read = (given: Record<string, string>) =>
      readShareInputs(inputs({ ...valid, ...given }), {}, jest.fn())
    expect(read({ 'dry-run': 'true', 'fail-on-drift': 'true' }).failOnDrift).toBe(true)
    expect(() => read({ 'fail-on-drift': 'true' })).toThrow(
      'Input "fail-on-drift" is "true" and "dry-run" is not true'
    )
    expect(() => read({ 'dry-run': 'true', 'fail-on-drift': 'yes please' })).toThrow(
      '"fail-on-drift"'
    )
  })

  describe('image-id', () => {
    const read = (imageId: string, more: Record<string, string> = {}) =>
      readShareInputs(
        inputs({ ...valid, 'blueprint-id': '', 'image-id': imageId, ...more }),
        {},
        jest.fn()
      )

    test("takes a CVM image ID, or the entry for region of Packer's artifact ID", () => {
      expect(read('img-0rh2x8e6').imageId).toBe('img-0rh2x8e6')
      expect(read('ap-shanghai:img-aaaa1111, ap-guangzhou:img-bbbb2222').imageId).toBe(
        'img-bbbb2222'
      )
    })

    test.each([
      ['lhbp-6jc6l8yb', 'has "lhbp-6jc6l8yb", which is not one'],
      ['ap-guangzhou:img-x', 'has "ap-guangzhou:img-x", which is not one'],
      [
        'ap-shanghai:img-aaaa1111',
        '("ap-shanghai:img-aaaa1111") has no image for "region" ap-guangzhou'
      ],
      [
        'ap-guangzhou:img-aaaa1111,ap-guangzhou:img-bbbb2222',
        '("ap-guangzhou:img-aaaa1111,ap-guangzhou:img-bbbb2222") has more than one image for "region"'
      ],
      ['img-aaaa1111,img-bbbb2222', 'lists 2 images, not all with a region']
    ])('refuses %s, naming the input and the value', (value, said) => {
      expect(() => read(value)).toThrow(`Input "image-id" ${said}`)
    })

    test('is one of three: with blueprint-id it is an input error naming both', () => {
      expect(() => read('img-0rh2x8e6', { 'blueprint-id': 'lhbp-6jc6l8yb' })).toThrow(
        'Inputs "blueprint-id" and "image-id" are both set ("lhbp-6jc6l8yb", "img-0rh2x8e6"): give one.'
      )
    })
  })

  test('takes the region from TENCENTCLOUD_REGION when the input is empty', () => {
    const read = readShareInputs(
      inputs({ ...valid, region: '' }),
      { TENCENTCLOUD_REGION: 'ap-tokyo' },
      jest.fn()
    )
    expect(read.region).toBe('ap-tokyo')
  })

  test('prefers the region input over the environment', () => {
    const read = readShareInputs(inputs(valid), { TENCENTCLOUD_REGION: 'ap-tokyo' }, jest.fn())
    expect(read.region).toBe('ap-guangzhou')
  })

  test('takes revoke-account-ids alone, without account-ids', () => {
    const read = readShareInputs(
      inputs({ ...valid, 'account-ids': '', 'revoke-account-ids': '500000000001 600000000001' }),
      {},
      jest.fn()
    )
    expect(read).toMatchObject({
      accountIds: [],
      revokeAccountIds: ['500000000001', '600000000001']
    })
  })

  test.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false]
  ])('reads the boolean %s as core.getBooleanInput does', (value, expected) => {
    const read = readShareInputs(
      inputs({ ...valid, 'dry-run': value, 'revoke-unlisted': value }),
      {},
      jest.fn()
    )
    expect(read).toMatchObject({ dryRun: expected, revokeUnlisted: expected })
  })

  test('reads wait-timeout-seconds and on-account-error', () => {
    const read = readShareInputs(
      inputs({ ...valid, 'wait-timeout-seconds': '0', 'on-account-error': 'warn' }),
      {},
      jest.fn()
    )
    expect(read).toMatchObject({ waitTimeoutSeconds: 0, onAccountError: 'warn' })
  })

  test('warns about, but accepts, a region not in the documented list', () => {
    const warn = jest.fn()
    const read = readShareInputs(inputs({ ...valid, region: 'ap-mumbai' }), {}, warn)
    expect(read.region).toBe('ap-mumbai')
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('Region "ap-mumbai" is not in the list')
    )
  })

  test.each([
    [{ 'blueprint-id': '' }, 'Input "blueprint-id" is required'],
    [
      { 'blueprint-id': 'lhbp-ABCDEFGH' },
      'Input "blueprint-id" is not a Lighthouse blueprint ID: "lhbp-ABCDEFGH"'
    ],
    [{ 'blueprint-id': 'img-6jc6l8yb' }, '"img-6jc6l8yb"'],
    [
      { 'account-ids': '' },
      'Input "account-ids" is required: give the accounts to share with, "revoke-account-ids"'
    ],
    [
      { 'revoke-account-ids': '120000000001, x' },
      'Input "revoke-account-ids" has an invalid account ID: "x"'
    ],
    [
      { 'revoke-account-ids': '700000164995' },
      'Account 700000164995 is in both "account-ids" and "revoke-account-ids"'
    ],
    [
      { 'account-ids': '', 'revoke-account-ids': '100001', 'revoke-unlisted': 'true' },
      'Input "revoke-unlisted" is true but "account-ids" (and "account-ids-file") give no accounts'
    ],
    [{ 'revoke-unlisted': 'yes' }, 'Input "revoke-unlisted" must be true or false, not "yes".'],
    [{ 'dry-run': '1' }, 'Input "dry-run" must be true or false, not "1".'],
    [{ 'dry-run': 'constructor' }, 'Input "dry-run" must be true or false, not "constructor".'],
    [{ 'account-ids': ' , \n ' }, 'Input "account-ids" has no account IDs in it'],
    [
      { 'account-ids': '700000164995, 12a4' },
      'Input "account-ids" has an invalid account ID: "12a4"'
    ],
    [{ region: '' }, 'No region: set the "region" input'],
    [{ region: 'Guangzhou' }, 'Input "region" is not a region name: "Guangzhou"'],
    [{ language: 'fr-FR' }, 'Input "language" must be en-US or zh-CN, not "fr-FR"'],
    [{ endpoint: 'http://lighthouse.example.com' }, 'Use https'],
    [
      { 'wait-timeout-seconds': '-5' },
      'Input "wait-timeout-seconds" must be a whole number of seconds (0 or more), not "-5"'
    ],
    [{ 'wait-timeout-seconds': '30m' }, 'not "30m"'],
    [{ 'on-account-error': 'skip' }, 'Input "on-account-error" must be fail or warn, not "skip"']
  ])('rejects %j', (override, message) => {
    expect(() => readShareInputs(inputs({ ...valid, ...override }), {}, jest.fn())).toThrow(
      new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    )
  })
})

describe('parseAccountIds', () => {
  test('splits on commas, spaces and newlines and drops duplicates, keeping order', () => {
    expect(
      parseAccountIds('30000, 10000\n20000 \n\n 10000,30000,,40000\t50000', 'account-ids')
    ).toEqual(['30000', '10000', '20000', '40000', '50000'])
  })

  test('names every invalid ID at once', () => {
    expect(() => parseAccountIds('100001, -2, x3, 400004', 'account-ids')).toThrow(
      'Input "account-ids" has invalid account IDs: "-2", "x3".'
    )
  })

  test.each([
    ['1234', 'four digits'],
    ['0700000164995', 'a leading zero'],
    ['123456789012345678901', '21 digits'],
    ['7000 0016', 'two short numbers']
  ])('refuses %s (%s) before any call', (value) => {
    expect(() => parseAccountIds(value, 'account-ids')).toThrow(
      /has (an )?invalid account IDs?: .*5 to 20 digits with no leading zero, .*\(a # starts a comment .*\), or a JSON array of strings\./
    )
  })

  test.each(['10000', '700000164995', '12345678901234567890'])('accepts %s', (value) => {
    expect(parseAccountIds(value, 'account-ids')).toEqual([value])
  })

  test('throws InputError', () => {
    expect(() => parseAccountIds('abc', 'account-ids')).toThrow(InputError)
  })
})

describe('parseEndpoint', () => {
  test.each([
    ['lighthouse.tencentcloudapi.com', 'https://', 'lighthouse.tencentcloudapi.com'],
    [
      'https://lighthouse.intl.tencentcloudapi.com',
      'https://',
      'lighthouse.intl.tencentcloudapi.com'
    ],
    [
      'https://lighthouse.intl.tencentcloudapi.com/',
      'https://',
      'lighthouse.intl.tencentcloudapi.com'
    ],
    ['https://proxy.internal:8443', 'https://', 'proxy.internal:8443'],
    ['http://127.0.0.1:8080', 'http://', '127.0.0.1:8080'],
    ['http://127.9.8.7:1', 'http://', '127.9.8.7:1'],
    ['http://localhost:3000', 'http://', 'localhost:3000'],
    ['http://[::1]:3000', 'http://', '[::1]:3000']
  ])('accepts %s', (value, protocol, host) => {
    expect(parseEndpoint(value)).toEqual({ protocol, host, source: 'input "endpoint"' })
  })

  test.each([
    ['http://lighthouse.tencentcloudapi.com', 'Use https'],
    ['http://10.0.0.1:8080', 'Use https'],
    ['http://128.0.0.1', 'Use https'],
    ['ftp://lighthouse.tencentcloudapi.com', 'Only https://'],
    ['https://lighthouse.tencentcloudapi.com/v3', 'no path'],
    ['https://user:pw@lighthouse.tencentcloudapi.com', 'no path, query or user name'],
    ['light house', 'Give a host name']
  ])('rejects %s', (value, why) => {
    expect(() => parseEndpoint(value)).toThrow(
      `Input "endpoint" is not a valid endpoint: "${value}".`
    )
    expect(() => parseEndpoint(value)).toThrow(why)
  })
})

describe('list inputs', () => {
  test('a JSON array of strings, as the list outputs are, is read as the list', () => {
    expect(listItems('["200000000002", "200000000001", "200000000002"]', 'account-ids')).toEqual([
      '200000000002',
      '200000000001'
    ])
  })

  test('a JSON value that is not an array of strings is an input error naming the input', () => {
    expect(() => listItems('[200000000002]', 'account-ids')).toThrow(
      'Input "account-ids" is a JSON value but not an array of strings'
    )
    expect(() => listItems('["200000000002"', 'revoke-account-ids')).toThrow(
      'Input "revoke-account-ids" starts with "[" but is not a JSON array'
    )
  })

  test('a # starts a comment to the end of its line', () => {
    expect(
      listItems('200000000002 # staging\n# all of prod:\n200000000003, 200000000004', 'account-ids')
    ).toEqual(['200000000002', '200000000003', '200000000004'])
  })
})

describe('region names', () => {
  test.each([
    ['ap-guangzou', 'ap-guangzhou'],
    ['AP-Guangzhou', 'ap-guangzhou'],
    ['ap-singapur', 'ap-singapore'],
    ['eu-frankfur', 'eu-frankfurt']
  ])('%s is taken for a typo of %s', (typo, meant) => expect(nearestRegion(typo)).toBe(meant))

  test.each(['ap-guangzhou', 'me-riyadh', 'ap-mumbai'])(
    '%s is a region or far from every known one',
    (name) => expect(nearestRegion(name)).toBeUndefined()
  )

  test('a typo in region is an input error with the suggestion; a far name is tried with a warning', () => {
    expect(() =>
      readShareInputs(inputs({ ...valid, region: 'ap-guangzou' }), {}, jest.fn())
    ).toThrow(
      'Input "region" is "ap-guangzou", which is not a Lighthouse region: did you mean ap-guangzhou?'
    )
    expect(() =>
      readShareInputs(inputs({ ...valid, region: 'AP-GUANGZHOU' }), {}, jest.fn())
    ).toThrow('region names are lower case; did you mean ap-guangzhou?')
    const warn = jest.fn()
    expect(readShareInputs(inputs({ ...valid, region: 'me-riyadh' }), {}, warn).region).toBe(
      'me-riyadh'
    )
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('trying it anyway'))
  })

  test('copy-to-regions names the region a typo meant', () => {
    expect(() =>
      readShareInputs(inputs({ ...valid, 'copy-to-regions': 'ap-shangai' }), {}, jest.fn())
    ).toThrow('"ap-shangai" (did you mean ap-shanghai?)')
  })
})

test('revoke-unlisted with no account-ids gets its own message, not "account-ids is required"', () => {
  expect(() =>
    readShareInputs(
      inputs({ ...valid, 'account-ids': '', 'revoke-unlisted': 'true' }),
      {},
      jest.fn()
    )
  ).toThrow(
    'Input "revoke-unlisted" is true but "account-ids" (and "account-ids-file") give no accounts'
  )
})

describe('organization-units', () => {
  const read = (value: string, others: Record<string, string> = {}) =>
    readShareInputs(inputs({ ...valid, ...others, 'organization-units': value }), {}, jest.fn())
      .organizationUnits

  test('is absent when not given', () => {
    expect(readShareInputs(inputs(valid), {}, jest.fn()).organizationUnits).toBeUndefined()
  })

  test('"all" alone, in any case, is every member', () => {
    expect(read('all')).toBe('all')
    expect(read(' ALL \n')).toBe('all')
  })

  test('unit IDs in the list format of account-ids, duplicates dropped', () => {
    expect(read('200001, 200003\n200001 # prod again')).toEqual(['200001', '200003'])
    expect(read('["200001","200002"]')).toEqual(['200001', '200002'])
  })

  test.each([
    ['all, 200001', '"all" means every member, so give it alone'],
    ['prod', 'has a value that is not a unit ID: "prod"'],
    ['200001, 0, -3', 'has values that are not unit IDs: "0", "-3"'],
    ['# none yet', 'has no unit IDs in it']
  ])('refuses %j', (value, message) => {
    expect(() => read(value)).toThrow(InputError)
    expect(() => read(value)).toThrow(message)
  })

  test('lets revoke-unlisted and an empty account-ids through: the members are the list', () => {
    expect(read('all', { 'account-ids': '', 'revoke-unlisted': 'true' })).toBe('all')
  })
})
