import { ConfigError, loadConfig, loadRequestLimits } from './config';

describe('request limits from the environment', () => {
  test('safe defaults when nothing is set', () => {
    expect(loadConfig({}).limits).toEqual({
      maxDepth: 10,
      maxAliases: 15,
      maxDirectives: 20,
      maxTokens: 2000,
      maxCost: 100_000,
      rowBudget: 50_000,
      countedCustomersMax: 5_000,
      inFlightValues: 500_000,
      inFlightValuesPerPrincipal: 150_000,
      requestTimeoutMs: 10_000,
      rateLimitWindowS: 60,
      principalRateLimit: 3000,
      unauthenticatedRateLimit: 60,
      maxBodyBytes: 102_400,
      httpHeadersTimeoutMs: 10_000,
      httpRequestTimeoutMs: 30_000,
      httpResponseTimeoutMs: 30_000,
      trustProxy: undefined,
    });
  });

  test('each can be set, small numbers included', () => {
    const limits = loadRequestLimits({ PRIVQL_ROW_BUDGET: '10', PRIVQL_RATE_LIMIT_PRINCIPAL: '1', PRIVQL_REQUEST_TIMEOUT_MS: '50', PRIVQL_TRUST_PROXY: 'loopback' });
    expect(limits).toMatchObject({ rowBudget: 10, principalRateLimit: 1, requestTimeoutMs: 50, trustProxy: 'loopback' });
  });

  test.each(['0', '-5', '1.5', 'lots', '1e99'])('%s is refused, naming the variable', (value) => {
    expect(() => loadRequestLimits({ PRIVQL_MAX_DEPTH: value })).toThrow(ConfigError);
    expect(() => loadRequestLimits({ PRIVQL_MAX_DEPTH: value })).toThrow(/PRIVQL_MAX_DEPTH/);
  });

  test('the header timeout cannot be longer than the whole-request timeout', () => {
    expect(() => loadRequestLimits({ PRIVQL_HTTP_HEADERS_TIMEOUT_MS: '5000', PRIVQL_HTTP_REQUEST_TIMEOUT_MS: '1000' })).toThrow(/PRIVQL_HTTP_HEADERS_TIMEOUT_MS/);
  });

  test('the in-flight budget must hold at least one request the row budget allows, and not be larger than can be counted', () => {
    expect(() => loadRequestLimits({ PRIVQL_IN_FLIGHT_VALUES: '100000' })).toThrow(/PRIVQL_IN_FLIGHT_VALUES must be at least PRIVQL_IN_FLIGHT_VALUES_PER_PRINCIPAL/);
    expect(() => loadRequestLimits({ PRIVQL_IN_FLIGHT_VALUES_PER_PRINCIPAL: '40000' })).toThrow(/PRIVQL_IN_FLIGHT_VALUES_PER_PRINCIPAL must be at least PRIVQL_ROW_BUDGET/);
    expect(() => loadRequestLimits({ PRIVQL_ROW_BUDGET: '600000' })).toThrow(/PRIVQL_IN_FLIGHT_VALUES_PER_PRINCIPAL/);
    expect(() => loadRequestLimits({ PRIVQL_IN_FLIGHT_VALUES: '100000000000' })).toThrow(/PRIVQL_IN_FLIGHT_VALUES must be at most/);
    expect(loadRequestLimits({ PRIVQL_ROW_BUDGET: '1000', PRIVQL_IN_FLIGHT_VALUES_PER_PRINCIPAL: '1000', PRIVQL_IN_FLIGHT_VALUES: '1000' })).toMatchObject({
      rowBudget: 1000,
      inFlightValuesPerPrincipal: 1000,
      inFlightValues: 1000,
    });
  });
});
