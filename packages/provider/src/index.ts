export { SwitchyardProvider } from './switchyard-provider.js';
