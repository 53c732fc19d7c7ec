import t, { type Test } from 'tap';
import { deciderSpecification } from '@tessera/testing';
import { decideApiClient, evolveApiClient } from '../src/domain/apiClient.ts';
import { decideReservation, evolveReservation, type ReservationState } from '../src/domain/reservation.ts';

const reservation = (t: Test) =>
  deciderSpecification(t, {
    decide: decideReservation,
    evolve: evolveReservation,
    initialState: (): ReservationState => ({}),
  });
const client = (t: Test) =>
  deciderSpecification(t, {
    decide: decideApiClient,
    evolve: evolveApiClient,
    initialState: () => ({ registered: false }),
  });

t.test('a free email is reserved for the user', async (t) => {
  reservation(t)
    .given([])
    .when({ type: 'Reserve', kind: 'email', userId: 'u1', holderAbandoned: false })
    .then([{ type: 'EmailReserved', data: { userId: 'u1' } }]);
});

t.test('a taken phone number is refused', async (t) => {
  reservation(t)
    .given([{ type: 'PhoneNumberReserved', data: { userId: 'u1' } }])
    .when({ type: 'Reserve', kind: 'phone', userId: 'u2', holderAbandoned: false })
    .thenRejects('REGISTRATION_CONFLICT');
});

t.test('a claim whose user never appeared can be taken over', async (t) => {
  reservation(t)
    .given([{ type: 'EmailReserved', data: { userId: 'u1' } }])
    .when({ type: 'Reserve', kind: 'email', userId: 'u2', holderAbandoned: true })
    .then([{ type: 'EmailReserved', data: { userId: 'u2' } }]);
});

t.test('a released email can be reserved again', async (t) => {
  reservation(t)
    .given([
      { type: 'EmailReserved', data: { userId: 'u1' } },
      { type: 'EmailReservationReleased', data: { userId: 'u1' } },
    ])
    .when({ type: 'Reserve', kind: 'email', userId: 'u2', holderAbandoned: false })
    .then([{ type: 'EmailReserved', data: { userId: 'u2' } }]);
});

t.test('only the holder releases a claim', async (t) => {
  reservation(t)
    .given([{ type: 'EmailReserved', data: { userId: 'u1' } }])
    .when({ type: 'Release', kind: 'email', userId: 'u1' })
    .then([{ type: 'EmailReservationReleased', data: { userId: 'u1' } }]);
  reservation(t)
    .given([{ type: 'EmailReserved', data: { userId: 'u1' } }])
    .when({ type: 'Release', kind: 'email', userId: 'u2' })
    .then([]);
});

t.test('an API client is registered with its secret hash only', async (t) => {
  client(t)
    .given([])
    .when({ clientId: 'c1', name: 'Acme', scopes: ['users:write'], secretHash: 'h1' })
    .then([
      {
        type: 'ApiClientRegistered',
        data: { clientId: 'c1', name: 'Acme', scopes: ['users:write'], secretHash: 'h1' },
      },
    ]);
});

t.test('an API client registered with the resources its tokens may name keeps them', async (t) => {
  const audiences = ['https://payments.example.com'];
  client(t)
    .given([])
    .when({ clientId: 'c1', name: 'Acme', scopes: ['users:write'], secretHash: 'h1', audiences })
    .then([
      {
        type: 'ApiClientRegistered',
        data: { clientId: 'c1', name: 'Acme', scopes: ['users:write'], secretHash: 'h1', audiences },
      },
    ]);
});

t.test('registering a client again with a new secret rotates it, with the same secret changes nothing', async (t) => {
  const registered = {
    type: 'ApiClientRegistered' as const,
    data: { clientId: 'c1', name: 'Acme', scopes: ['users:write'], secretHash: 'h1' },
  };
  client(t)
    .given([registered])
    .when({ clientId: 'c1', name: 'Acme', scopes: ['users:write'], secretHash: 'h2' })
    .then([{ type: 'ApiClientSecretRotated', data: { clientId: 'c1', secretHash: 'h2' } }]);
  client(t)
    .given([registered])
    .when({ clientId: 'c1', name: 'Acme', scopes: ['users:write'], secretHash: 'h1' })
    .then([]);
});
