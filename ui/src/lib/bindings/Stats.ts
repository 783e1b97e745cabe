export type Stats = { case_studies: bigint; sources: bigint; companies: bigint; tags: bigint; year_min: number | null; year_max: number | null; disk_bytes: number; indexed: bigint };
