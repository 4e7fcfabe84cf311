// Response bodies in tests are checked field by field; `any` keeps those checks short.
// biome-ignore lint: test helper
export const json = async (res: Response): Promise<any> => res.json();
