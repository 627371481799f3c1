// The request specs every ARM request of the adapter is sent with, on the SDK client's own pipeline: plain JSON in and
// out (no SDK mappers, which drop fields of the newer API), the API version per request kind.
import {createRequire} from 'node:module'
import type * as CoreClient from '@azure/core-client'
import type {OperationParameter, OperationQueryParameter, OperationSpec, OperationURLParameter} from '@azure/core-client'
import {API_VERSION_NEW, API_VERSION_SDK, API_VERSION_SUBSCRIPTIONS} from './clouds.js'

// The SDK is CommonJS and require()s the core libraries; importing their ESM builds here would load a second copy
// of each (measured: 445 ms of CPU to load this module, 273 ms with one copy).
const require = createRequire(import.meta.url)
const coreClient = require('@azure/core-client') as typeof CoreClient

const serializer = coreClient.createSerializer({}, false)
const stringParam = (name: string, skipEncoding = true): OperationURLParameter => ({
  parameterPath: name,
  mapper: {serializedName: name, required: true, type: {name: 'String'}},
  skipEncoding,
})
const apiVersion = (version: string): OperationQueryParameter => ({
  parameterPath: 'apiVersion',
  mapper: {defaultValue: version, isConstant: true, serializedName: 'api-version', type: {name: 'String'}},
})
const accept: OperationParameter = {
  parameterPath: 'accept',
  mapper: {defaultValue: 'application/json', isConstant: true, serializedName: 'Accept', type: {name: 'String'}},
}
const contentType: OperationParameter = {
  parameterPath: 'contentType',
  mapper: {defaultValue: 'application/json', isConstant: true, serializedName: 'Content-Type', type: {name: 'String'}},
}
const bodyParam: OperationParameter = {parameterPath: 'body', mapper: {serializedName: 'body', type: {name: 'any'}}}
const anyResponse = {200: {}, 201: {}, 202: {}, 204: {}, default: {}}

function spec(path: string, httpMethod: 'GET' | 'POST', version: string | null, withBody = false): OperationSpec {
  return {
    path,
    httpMethod,
    responses: httpMethod === 'GET' ? {200: {}, default: {}} : anyResponse,
    requestBody: withBody ? bodyParam : undefined,
    queryParameters: version ? [apiVersion(version)] : [],
    urlParameters: [stringParam('$host'), stringParam(path.slice(1, path.indexOf('}')))],
    headerParameters: withBody ? [accept, contentType] : [accept],
    mediaType: withBody ? 'json' : undefined,
    serializer,
  }
}

export const SPECS = {
  read: spec('{resourcePath}', 'GET', API_VERSION_NEW),
  subscriptions: spec('{resourcePath}', 'GET', API_VERSION_SUBSCRIPTIONS),
  next: spec('{nextLink}', 'GET', null),
  post: spec('{resourcePath}', 'POST', API_VERSION_NEW, true),
  postSdk: spec('{resourcePath}', 'POST', API_VERSION_SDK, true),
  poll: {...spec('{nextLink}', 'GET', null), responses: anyResponse},
}
