export const DAEMON_NAME = 'switchyard';
