import {describe, expect, it} from 'vitest'
import {classifyError} from '../../src/redis/classify.js'
import {TimeoutError} from '../../src/redis/connect.js'

// shaped like what Node, OpenSSL and Redis actually produce
function nodeError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code === undefined ? {} : {code})
}

function replyError(message: string): Error {
  return Object.assign(new Error(message), {name: 'ReplyError'})
}

describe('classifyError', () => {
  it.each([
    ['dns', nodeError('getaddrinfo ENOTFOUND cache1.westus.example', 'ENOTFOUND')],
    ['dns', nodeError('getaddrinfo EAI_AGAIN cache1.westus.example', 'EAI_AGAIN')],
    ['refused', nodeError('connect ECONNREFUSED 127.0.0.1:10000', 'ECONNREFUSED')],
    ['timeout', nodeError('connect ETIMEDOUT', 'ETIMEDOUT')],
    ['timeout', new Error('Command timed out')],
    ['timeout', new TimeoutError('PING 127.0.0.1:10000', 2000)],
    ['tls', nodeError("Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID')],
    ['tls', nodeError('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')],
    ['tls', nodeError('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN')],
    ['tls', nodeError('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT')],
    ['tls', nodeError('certificate has expired', 'CERT_HAS_EXPIRED')],
    ['tls', nodeError('C0B7:error:0A00010B:SSL routines:ssl3_get_record:wrong version number', 'ERR_SSL_WRONG_VERSION_NUMBER')],
    ['tls', new Error('SSL routines:ssl3_get_record:wrong version number')],
    ['tls', nodeError('Client network socket disconnected before secure TLS connection was established', 'ECONNRESET')],
    ['auth', replyError('WRONGPASS invalid username-password pair or user is disabled.')],
    ['auth', replyError('NOAUTH Authentication required.')],
    ['auth', replyError("NOPERM this user has no permissions to run the 'info' command")],
    ['auth', replyError('ERR invalid password')],
    ['other', new Error('Connection is closed.')],
    ['other', replyError("READONLY You can't write against a read only replica.")],
    ['other', nodeError('read ECONNRESET', 'ECONNRESET')],
  ])('%s: %s', (kind, error) => {
    const {kind: got, message} = classifyError(error)
    expect(got).toBe(kind)
    expect(message.startsWith(error.message)).toBe(true)
  })

  it('says how to trust a private CA when the chain ends in an untrusted one, and only then', () => {
    for (const code of ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']) {
      expect(classifyError(nodeError('untrusted', code)).message).toMatch(/--ca <ca\.pem>.*NODE_EXTRA_CA_CERTS/)
    }
    for (const code of ['ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED']) {
      expect(classifyError(nodeError('not this', code)).message).toBe('not this')
    }
  })

  it('looks inside AggregateError (one error per address tried) for the code and the message', () => {
    const error = Object.assign(
      new AggregateError([
        nodeError('connect ECONNREFUSED ::1:6390', 'ECONNREFUSED'),
        nodeError('connect ECONNREFUSED 127.0.0.1:6390', 'ECONNREFUSED'),
      ]),
      {code: 'ECONNREFUSED'},
    )
    expect(classifyError(error)).toEqual({
      kind: 'refused',
      message: 'connect ECONNREFUSED ::1:6390; connect ECONNREFUSED 127.0.0.1:6390',
    })
  })

  it('follows cause', () => {
    const error = new Error('probe failed', {cause: nodeError('getaddrinfo ENOTFOUND x.invalid', 'ENOTFOUND')})
    expect(classifyError(error)).toEqual({kind: 'dns', message: 'probe failed; getaddrinfo ENOTFOUND x.invalid'})
  })

  it('takes anything thrown, not only errors', () => {
    expect(classifyError('boom')).toEqual({kind: 'other', message: 'boom'})
    expect(classifyError(undefined)).toEqual({kind: 'other', message: 'undefined'})
  })
})
