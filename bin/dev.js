#!/usr/bin/env -S node --import tsx
import {installOutputGuard} from '../src/shared/output-guard.ts'

installOutputGuard()
const {execute} = await import('@oclif/core')

await execute({development: true, dir: import.meta.url})
