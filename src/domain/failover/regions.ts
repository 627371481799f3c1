// Azure region coordinates, for weights by distance (`--near <region>`): the latitude and longitude Azure publishes
// for each physical region (`az account list-locations`, metadata.latitude/longitude), rounded to 0.01°. Pure data.
import {UsageError} from '../errors.js'
import {normaliseLocation} from '../ids.js'
import {closest} from '../suggest.js'

const COORDINATES: Record<string, readonly [number, number]> = {
  eastus: [37.37, -79.82],
  eastus2: [36.67, -78.39],
  centralus: [41.59, -93.62],
  northcentralus: [41.88, -87.63],
  southcentralus: [29.42, -98.5],
  westcentralus: [40.89, -110.23],
  westus: [37.78, -122.42],
  westus2: [47.23, -119.85],
  westus3: [33.45, -112.07],
  canadacentral: [43.65, -79.38],
  canadaeast: [46.82, -71.22],
  mexicocentral: [20.59, -100.39],
  brazilsouth: [-23.55, -46.63],
  brazilsoutheast: [-22.9, -43.21],
  chilecentral: [-33.45, -70.66],
  northeurope: [53.35, -6.26],
  westeurope: [52.37, 4.9],
  uksouth: [50.94, -0.8],
  ukwest: [53.43, -3.08],
  francecentral: [46.38, 2.37],
  francesouth: [43.83, 2.2],
  germanywestcentral: [50.11, 8.68],
  germanynorth: [53.07, 8.81],
  switzerlandnorth: [47.45, 8.56],
  switzerlandwest: [46.2, 6.14],
  norwayeast: [59.91, 10.75],
  norwaywest: [58.97, 5.73],
  swedencentral: [60.67, 17.14],
  polandcentral: [52.23, 21.02],
  italynorth: [45.47, 9.18],
  spaincentral: [40.43, -3.42],
  uaenorth: [25.27, 55.32],
  uaecentral: [24.47, 54.37],
  qatarcentral: [25.55, 51.44],
  israelcentral: [31.27, 33.45],
  southafricanorth: [-25.73, 28.22],
  southafricawest: [-34.08, 18.84],
  centralindia: [18.58, 73.92],
  southindia: [12.98, 80.16],
  westindia: [19.09, 72.87],
  eastasia: [22.27, 114.19],
  southeastasia: [1.28, 103.83],
  malaysiawest: [3.14, 101.69],
  indonesiacentral: [-6.2, 106.85],
  japaneast: [35.68, 139.77],
  japanwest: [34.69, 135.5],
  koreacentral: [37.57, 126.98],
  koreasouth: [35.18, 129.08],
  australiaeast: [-33.86, 151.21],
  australiasoutheast: [-37.81, 144.96],
  australiacentral: [-35.31, 149.12],
  australiacentral2: [-35.31, 149.12],
  newzealandnorth: [-36.85, 174.76],
}

/** Every region the table knows, by its short name. */
export const KNOWN_REGIONS: readonly string[] = Object.keys(COORDINATES)

/** A region as the table names it ("West US 2" → "westus2"), or a UsageError with the closest names. */
export function knownRegion(text: string, flag: string): string {
  const region = normaliseLocation(text)
  if (region in COORDINATES) return region
  const near = closest(region, KNOWN_REGIONS)
  throw new UsageError(
    `${flag}: "${text}" is not an Azure region geo-redis knows`,
    near.length > 0 ? `did you mean ${near.join(', ')}?` : `pass a region's short name, such as eastus, westeurope or southeastasia`,
    'UnknownRegion',
  )
}

const EARTH_RADIUS_KM = 6371
const radians = (degrees: number) => (degrees * Math.PI) / 180

/** Great-circle distance between two known regions in whole km (haversine); null when either is not in the table. */
export function regionDistanceKm(a: string, b: string): number | null {
  const from = COORDINATES[normaliseLocation(a)]
  const to = COORDINATES[normaliseLocation(b)]
  if (!from || !to) return null
  const dLat = radians(to[0] - from[0])
  const dLon = radians(to[1] - from[1])
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(from[0])) * Math.cos(radians(to[0])) * Math.sin(dLon / 2) ** 2
  return Math.round(2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(h)))
}
