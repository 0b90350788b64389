// @peculiar/x509 relies on the Reflect metadata polyfill; src/x509 imports it once, tests get it here too.
import 'reflect-metadata';
