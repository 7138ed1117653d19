import { openldapAdapter } from '../../helpers/directory-scenarios';
import { quarantineGoneSuite } from './quarantine-gone';

describe('quarantined records deleted from OpenLDAP', () => quarantineGoneSuite('openldap', () => openldapAdapter('qgone')));
